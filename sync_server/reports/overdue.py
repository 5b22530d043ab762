"""The monthly overdue-dossier counts from the provincial TTHC system, imported from a CSV (or
XLSX) so that the Decision-766-style estimate can reproduce criterion 5.4 (reports.estimate).

Columns (docs/reports.md, sample docs/samples/ho-so-qua-han.csv): `thang` (2026-11 or 11/2026),
`ho_so_da_giai_quyet`, `ho_so_qua_han`, and optionally `ho_so_co_pakn`. Every row is checked
before anything is written; an error names the line and the column. A month already imported is
replaced, and the audit log keeps its old and new counts. No Flask here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import OverdueMonth
from sync_server.exc import InputError
from sync_server.reports.figures import fmt_count
from sync_server.roster.importer import read_table

MAX_ROWS = 600  # fifty years of months: more is not this file
MAX_COUNT = 10_000_000
# Column → the header spellings accepted (after _key); the first is the documented one.
COLUMNS = {"month": ("thang", "month"),
           "settled": ("ho_so_da_giai_quyet", "da_giai_quyet", "settled"),
           "overdue": ("ho_so_qua_han", "qua_han", "overdue"),
           "complaints": ("ho_so_co_pakn", "co_pakn", "complaints")}
REQUIRED = ("month", "settled", "overdue")
_MONTH = (re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{1,2})/(\d{4})$"))


@dataclass(frozen=True)
class Row:
    line: int
    month: date
    settled: int
    overdue: int
    complaints: int | None


def _key(header: str) -> str:
    s = unicodedata.normalize("NFD", header.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).strip().lower()
    return "_".join(s.replace("-", " ").split())


def _month(raw: str) -> date:
    for pattern in _MONTH:
        m = pattern.match(raw)
        if m:
            year, month = (int(m[1]), int(m[2])) if pattern is _MONTH[0] else (int(m[2]), int(m[1]))
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return date(year, month, 1)
    raise InputError("tháng phải có dạng năm-tháng (2026-11) hoặc tháng/năm (11/2026), không phải "
                     "“%(value)s”.", {"value": raw[:20]})


def _count(raw: str) -> int:
    text = raw.replace(".", "").replace(" ", "")  # "1.234": a Vietnamese thousands separator
    if not text.isdigit() or int(text) > MAX_COUNT:
        raise InputError("cần một số nguyên từ 0 đến %(max)s, không phải “%(value)s”.",
                         {"max": fmt_count(MAX_COUNT), "value": raw[:20]})
    return int(text)


def _error(line: int, col: str, problem: InputError) -> InputError:
    return InputError("Dòng %(line)s, cột '%(col)s': %(problem)s",
                      {"line": line, "col": col, "problem": problem})


def parse(data: bytes) -> list[Row]:
    """Every row of the file, checked; InputError (the first problem) or a list of them raised as
    `ImportErrors` when rows are wrong. Nothing is written."""
    table = [(n, r) for n, r in enumerate(read_table(data), 1) if any(c.strip() for c in r)]
    if len(table) < 2:
        raise ImportErrors([InputError("Tệp không có dòng nào.")])
    (_, header), body = table[0], table[1:]
    if len(body) > MAX_ROWS:
        raise ImportErrors([InputError("Tệp có quá %(n)s dòng.", {"n": MAX_ROWS})])
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, spellings in COLUMNS.items():
            if _key(name) in spellings and column not in columns:
                columns[column] = index
    missing = [COLUMNS[c][0] for c in REQUIRED if c not in columns]
    if missing:
        raise ImportErrors([InputError("Thiếu cột '%(col)s' ở dòng tiêu đề.", {"col": m}) for m in missing])
    rows, errors, seen = [], [], {}
    for line, cells in body:
        def cell(column: str, cells: list[str] = cells) -> str:
            i = columns[column]
            return cells[i].strip() if i < len(cells) else ""

        values: dict[str, object] = {}
        for column, check in (("month", _month), ("settled", _count), ("overdue", _count),
                              ("complaints", _count)):
            if column not in columns or (column == "complaints" and not cell(column)):
                values[column] = None
                continue
            try:
                values[column] = check(cell(column))
            except InputError as e:
                errors.append(_error(line, header[columns[column]], e))
        if len(values) < 4:
            continue
        month, settled, overdue, complaints = (values["month"], values["settled"], values["overdue"],
                                               values["complaints"])
        assert isinstance(month, date) and isinstance(settled, int) and isinstance(overdue, int)
        if overdue > settled:
            errors.append(_error(line, header[columns["overdue"]],
                                 InputError("số hồ sơ quá hạn lớn hơn số hồ sơ đã giải quyết.")))
        if isinstance(complaints, int) and complaints > settled:
            errors.append(_error(line, header[columns["complaints"]],
                                 InputError("số hồ sơ có PAKN lớn hơn số hồ sơ đã giải quyết.")))
        if month in seen:
            errors.append(InputError("Dòng %(line)s: tháng %(month)s đã có ở dòng %(other)s.",
                                     {"line": line, "month": f"{month:%m/%Y}", "other": seen[month]}))
        seen[month] = line
        rows.append(Row(line, month, settled, overdue, complaints if isinstance(complaints, int) else None))
    if errors:
        raise ImportErrors(errors)
    return rows


class ImportErrors(InputError):
    """Every problem of a file at once (a person corrects them all in one go)."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(errors[0].template, errors[0].values)
        self.errors = errors


def store(rows: list[Row], actor: str, source: str, *, role: str | None = None,
          ip: str | None = None) -> dict[str, int]:
    """Write the checked rows in one transaction: a month already there is replaced; each month
    imported or replaced is one audit entry (the old counts kept in it)."""
    counts = {"new": 0, "replaced": 0}
    with write_transaction():
        for row in rows:
            new = {"settled": row.settled, "overdue": row.overdue, "complaints": row.complaints}
            old = OverdueMonth.get_or_none(OverdueMonth.month == row.month)
            detail = {"month": f"{row.month:%Y-%m}", "file": source[:200], **new}
            if old is not None:
                detail["before"] = {"settled": old.settled, "overdue": old.overdue,
                                    "complaints": old.complaints}
                old.delete_instance()
            OverdueMonth.create(month=row.month, imported_by=actor[:64], source=source[:200], **new)
            audit.record(actor, "overdue.replace" if old is not None else "overdue.import",
                         f"{row.month:%Y-%m}", detail, role=role, ip=ip)
            counts["replaced" if old is not None else "new"] += 1
    return counts


def imported(limit: int = 36) -> list[OverdueMonth]:
    """The months imported, newest first."""
    return list(OverdueMonth.select().order_by(OverdueMonth.month.desc()).limit(limit))
