"""Importing procedures or officers from a CSV (UTF-8, with or without BOM; ',' or ';') or XLSX
file: read → plan (every row checked, errors naming row and column) → apply in one transaction
(all or nothing). No Flask here. The format is in docs/server.md ("Import format")."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync_server.db.models import Field, Officer, Procedure
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import edit as roster_edit

MAX_BYTES = 1024 * 1024  # the app's form limit; a commune's lists are a few hundred rows
MAX_ROWS = 5000
KINDS = ("procedures", "officers")


def _key(header: object) -> str:
    """A header as a plain key: 'Lĩnh vực' → 'linh_vuc', 'Mã thủ tục' → 'ma_thu_tuc'."""
    s = unicodedata.normalize("NFD", str(header or "")).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).strip().lower()
    return "_".join(s.replace("-", " ").split())


# Column → the header spellings accepted (after _key); the first is the one documented.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "procedures": {"code": ("ma", "ma_thu_tuc", "ma_quoc_gia", "code"),
                   "name": ("ten", "ten_thu_tuc", "name"),
                   "field": ("linh_vuc", "field"), "active": ("dang_dung", "hoat_dong", "active")},
    "officers": {"code": ("ma", "ma_can_bo", "code"), "name": ("ho_ten", "ten", "name"),
                 "title": ("chuc_danh", "title"), "fields": ("linh_vuc", "fields"),
                 "active": ("dang_lam_viec", "hoat_dong", "active")},
}
REQUIRED = ("code", "name")


@dataclass
class Row:
    line: int  # the row number in the file (the header is row 1)
    values: dict[str, Any]
    new: bool


@dataclass
class Plan:
    kind: str
    rows: list[Row] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes) -> list[list[str]]:
    """The rows of the file as text cells. XLSX is recognised by content (a zip with a
    workbook), anything else must be UTF-8 CSV."""
    if len(data) > MAX_BYTES:
        raise InputError("Tệp lớn quá %(n)s MB.", {"n": MAX_BYTES // (1024 * 1024)})
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("Tệp CSV phải được lưu với mã UTF-8 (trong Excel: CSV UTF-8).") from None
    first = text.split("\n", 1)[0]
    dialect = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputError("Tệp không phải CSV hay XLSX đọc được.") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _columns(kind: str, header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        k = _key(name)
        for column, spellings in COLUMNS[kind].items():
            if k in spellings and column not in found:
                found[column] = index
    for column in REQUIRED:
        if column not in found:
            raise InputError("Thiếu cột '%(col)s' ở dòng tiêu đề.", {"col": COLUMNS[kind][column][0]})
    return found


def _name_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _checkers(kind: str, known_fields: dict[str, str]) -> dict[str, Callable[[str], Any]]:
    """`known_fields`: code → name. A field may be written by its code or by its name (as the
    roster page shows it); several are separated by ';' (codes also by ',' or spaces)."""
    by_name = {_name_key(name): code for code, name in known_fields.items()}
    listed = "; ".join(f"{k} ({n})" for k, n in sorted(known_fields.items())[:30]) or "—"

    def fields(value: str) -> list[str]:
        codes: list[str] = []
        for part in (p.strip() for p in re.split(r"[;\n]", value or "") if p.strip()):
            name = _name_key(part)
            found = [by_name[name]] if name in by_name else roster_edit.code_list(part)
            for c in found:
                if c not in known_fields:
                    raise InputError("lĩnh vực '%(code)s' không có trong danh mục; dùng mã hoặc tên của "
                                     "một lĩnh vực đã có: %(known)s",
                                     {"code": c, "known": listed})
                if c not in codes:
                    codes.append(c)
        return codes

    def one_field(value: str) -> str | None:
        return (fields(value) or [None])[0] if value.strip() else None

    common = {"code": lambda v: roster_edit.code(v, N_("mã")), "active": roster_edit.flag}
    if kind == "procedures":
        return {**common, "name": lambda v: roster_edit.text(v, N_("tên thủ tục"), 300), "field": one_field}
    return {**common, "name": lambda v: roster_edit.text(v, N_("họ tên")),
            "title": lambda v: roster_edit.text(v, N_("chức danh"), required=False), "fields": fields}


def plan(kind: str, table: list[list[str]]) -> Plan:
    """Check every row; nothing is written."""
    if kind not in KINDS:
        raise InputError("Loại danh sách không hợp lệ.")
    result = Plan(kind)
    rows = [(n, r) for n, r in enumerate(table, 1) if any(c.strip() for c in r)]
    if not rows:
        raise InputError("Tệp không có dòng nào.")
    (_, header), data = rows[0], rows[1:]
    if not data:
        raise InputError("Tệp không có dòng nào.")
    if len(data) > MAX_ROWS:
        raise InputError("Tệp có quá %(n)s dòng.", {"n": MAX_ROWS})
    columns = _columns(kind, header)
    checks = _checkers(kind, {f.code: f.name for f in Field.select(Field.code, Field.name)})
    model = Procedure if kind == "procedures" else Officer
    existing = {r.code for r in model.select(model.code)}
    seen: dict[str, int] = {}
    for line, cells in data:
        values: dict[str, Any] = {}
        for column, index in columns.items():
            raw = cells[index] if index < len(cells) else ""
            try:
                values[column] = checks[column](raw)
            except InputError as e:
                result.errors.append(InputError("Dòng %(line)s, cột '%(col)s': %(problem)s",
                                                {"line": line, "col": header[index], "problem": e}))
        if "code" in values:
            if values["code"] in seen:
                result.errors.append(InputError("Dòng %(line)s: mã '%(code)s' đã có ở dòng %(other)s.",
                                                {"line": line, "code": values["code"],
                                                 "other": seen[values["code"]]}))
            seen[values["code"]] = line
        values.setdefault("active", True)
        if kind == "officers":
            values["fields"] = json.dumps(values.get("fields", []))
            values.setdefault("title", "")
        else:
            values.setdefault("field", None)
        result.rows.append(Row(line, values, values.get("code") not in existing))
    if result.errors:
        result.rows = []
    return result


def apply(p: Plan) -> dict[str, int]:
    """Write a checked plan (inside the caller's transaction): new rows inserted, existing codes
    updated. Returns the counts for the audit log."""
    model = Procedure if p.kind == "procedures" else Officer
    counts = {"new": 0, "updated": 0}
    for row in p.rows:
        counts["new" if roster_edit.upsert(model, row.values) else "updated"] += 1
    return counts
