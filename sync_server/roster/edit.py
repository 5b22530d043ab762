"""Validating and saving roster rows (units, fields, procedures, officers, counters), shared by
the roster pages and the CSV/XLSX import. No Flask here; the caller holds the transaction, writes
the audit log and calls `roster.touch()`.

Errors are `InputError`: a Vietnamese message template (English through sync_server.i18n) with
the values to fill in, so that pages and the import can each say where the problem is."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from kiosk.shared.protocol import CODE_RE, MAX_TEXT, MODES
from sync_server.db.models import Counter, Field, Officer, ReceptionPoint
from sync_server.exc import InputError
from sync_server.i18n import N_

MAX_NAME = 200
MAX_ADDRESS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(value: object, label: str, max_len: int = MAX_NAME, required: bool = True) -> str:
    """One line of text: NFC (so a name typed on a phone and one on a PC compare equal), no
    control characters, trimmed, bounded."""
    s = unicodedata.normalize("NFC", str(value if value is not None else "")).strip()
    s = _CONTROL.sub(" ", s)
    if required and not s:
        raise InputError("%(label)s: không được để trống", {"label": label})
    if len(s) > max_len:
        raise InputError("%(label)s: dài quá %(n)s ký tự", {"label": label, "n": max_len})
    return s


def code(value: object, label: str = N_("mã")) -> str:
    s = str(value if value is not None else "").strip()
    if not CODE_RE.match(s):
        raise InputError("%(label)s '%(value)s': chỉ gồm chữ không dấu, số, '.', '_', '-' (tối đa 64 ký tự)",
                         {"label": label, "value": s[:70]})
    return s


def flag(value: object) -> bool:
    """A yes/no cell or checkbox: 1/0, có/không, x, true/false; empty is yes (active)."""
    s = unicodedata.normalize("NFC", str(value if value is not None else "")).strip().lower()
    if s in ("", "1", "x", "có", "co", "true", "yes", "on", "đang dùng"):
        return True
    if s in ("0", "không", "khong", "false", "no", "off", "ngừng"):
        return False
    raise InputError("'%(value)s' không phải có/không (1 hoặc 0)", {"value": s[:40]})


def code_list(value: object) -> list[str]:
    """Codes separated by ';', ',' or spaces, or a list (checkboxes)."""
    items = value if isinstance(value, list) else re.split(r"[;,\s]+", str(value or ""))
    out: list[str] = []
    for item in items:
        item = str(item).strip()
        if item and item not in out:
            out.append(item)
    return out


def _existing_fields(codes: list[str], known: set[str] | None) -> list[str]:
    known = known if known is not None else {f.code for f in Field.select(Field.code)}
    for c in codes:
        if c not in known:
            raise InputError("lĩnh vực '%(code)s' không tồn tại", {"code": c})
    return codes


def field_values(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": code(data.get("code"), N_("mã lĩnh vực")),
            "name": text(data.get("name"), N_("tên lĩnh vực")),
            "sort": _int(data.get("sort"), N_("thứ tự"))}


def procedure_values(data: dict[str, Any], known_fields: set[str] | None = None) -> dict[str, Any]:
    field_code = str(data.get("field") or "").strip() or None
    if field_code:
        _existing_fields([field_code], known_fields)
    return {"code": code(data.get("code"), N_("mã thủ tục")),
            "name": text(data.get("name"), N_("tên thủ tục"), MAX_TEXT),
            "field": field_code, "active": flag(data.get("active"))}


def officer_values(data: dict[str, Any], known_fields: set[str] | None = None) -> dict[str, Any]:
    return {"code": code(data.get("code"), N_("mã cán bộ")),
            "name": text(data.get("name"), N_("họ tên")),
            "title": text(data.get("title"), N_("chức danh"), required=False),
            "fields": json.dumps(_existing_fields(code_list(data.get("fields")), known_fields)),
            "active": flag(data.get("active"))}


def counter_values(data: dict[str, Any]) -> dict[str, Any]:
    mode = str(data.get("mode") or "counter")
    if mode not in MODES:
        raise InputError("chế độ '%(value)s' không hợp lệ", {"value": mode[:20]})
    kiosk_id = str(data.get("kiosk_id") or "").strip() or None
    if kiosk_id:
        code(kiosk_id, N_("mã ki-ốt"))
    officers = code_list(data.get("officers"))
    known = ({o.code for o in Officer.select(Officer.code).where(Officer.code.in_(officers))}
             if officers else set())
    for c in officers:
        if c not in known:
            raise InputError("cán bộ '%(code)s' không tồn tại", {"code": c})
    values = {"code": code(data.get("code"), N_("mã quầy")), "name": text(data.get("name"), N_("tên quầy")),
              "kiosk_id": kiosk_id, "mode": mode, "officers": json.dumps(officers),
              "sort": _int(data.get("sort"), N_("thứ tự")),
              # Checkboxes: an unticked one sends nothing.
              "ask_procedure": data.get("ask_procedure") == "1", "show_stats": data.get("show_stats") == "1"}
    if data.get("point"):  # the form asks only at a centre with several reception points
        point = str(data["point"])[:64]
        if ReceptionPoint.get_or_none(ReceptionPoint.code == point) is None:
            raise InputError("điểm tiếp nhận '%(code)s' không tồn tại", {"code": point})
        values["point"] = point
    return values


def _int(value: object, label: str) -> int:
    s = str(value if value is not None else "").strip() or "0"
    if not re.fullmatch(r"-?\d{1,6}", s):
        raise InputError("%(label)s: phải là số nguyên", {"label": label})
    return int(s)


def upsert(model: type, values: dict[str, Any]) -> bool:
    """Insert or update by primary key; True when the row is new."""
    pk = model._meta.primary_key
    exists = model.select().where(pk == values[pk.name]).exists()
    if exists:
        model.update({k: v for k, v in values.items() if k != pk.name}).where(pk == values[pk.name]).execute()
    else:
        model.insert(values).execute()
    return not exists


def counter_kiosk_taken(kiosk_id: str | None, counter_code: str) -> bool:
    """Another counter already has this kiosk (a kiosk stands at one counter)."""
    return bool(kiosk_id) and Counter.select().where(
        (Counter.kiosk_id == kiosk_id) & (Counter.code != counter_code)).exists()


__all__ = ["InputError", "code", "counter_values", "field_values", "officer_values",
           "procedure_values", "text", "upsert"]
