"""The unit as it is since 1 July 2025 (NĐ 118/2025, the two-level local government): what kind
of one-stop body it is, its legal name, the People's Committee above it, the province and the
official codes. No district: there is none any more, and nothing we print may name one.

The unit drives the page titles, the QR posters and the letterhead of official reports. No Flask
here: the roster page validates through `values()`, reports read `current()`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sync_server.config import ServerConfig, district_word
from sync_server.db.models import Unit
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import edit as roster_edit

MAX_NAME = roster_edit.MAX_NAME
MAX_ADDRESS = roster_edit.MAX_ADDRESS

# kind -> (label on the roster page, the legal name's prefix, the level of the committee above).
# NĐ 118/2025 Điều 7.2–7.3: the commune-level centre (xã, phường, đặc khu), its optional
# reception points, a city's branches (Hà Nội, Quảng Ninh) and the province's own centre.
KINDS: dict[str, tuple[str, str, str]] = {
    "xa": (N_("Trung tâm Phục vụ hành chính công xã"), "Trung tâm Phục vụ hành chính công xã", "xã"),
    "phuong": (N_("Trung tâm Phục vụ hành chính công phường"), "Trung tâm Phục vụ hành chính công phường",
               "phường"),
    "dac_khu": (N_("Trung tâm Phục vụ hành chính công đặc khu"), "Trung tâm Phục vụ hành chính công đặc khu",
                "đặc khu"),
    "diem_tiep_nhan": (N_("Điểm tiếp nhận và trả kết quả (thuộc Trung tâm cấp xã)"),
                       "Điểm tiếp nhận và trả kết quả", ""),
    "chi_nhanh": (N_("Chi nhánh của Trung tâm Phục vụ hành chính công thành phố"),
                  "Chi nhánh Trung tâm Phục vụ hành chính công", ""),
    "tinh": (N_("Trung tâm Phục vụ hành chính công tỉnh, thành phố"),
             "Trung tâm Phục vụ hành chính công tỉnh", "tỉnh"),
}
DEFAULT_KIND = "xa"
# The codes of the national list of administrative units: 2 digits per province, 5 per commune.
PROVINCE_CODE_RE = re.compile(r"^\d{2}$")
COMMUNE_CODE_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class UnitInfo:
    name: str  # the legal name: "Trung tâm Phục vụ hành chính công xã Đại Lãnh"
    kind: str = DEFAULT_KIND
    place: str = ""  # the commune's (or province's) own name: "Đại Lãnh"
    superior: str = ""  # the body above it: "UBND xã Đại Lãnh"
    province: str = ""  # "Khánh Hòa"
    province_code: str = ""
    commune_code: str = ""
    address: str = ""
    signer_title: str = "Giám đốc"  # the Director is a vice-chair of the commune (Điều 10.3.a)

    @property
    def is_centre(self) -> bool:
        return self.kind in ("xa", "phuong", "dac_khu", "tinh")


def suggested_name(kind: str, place: str) -> str:
    """The legal name a centre of this kind in this place has by NĐ 118 Điều 7."""
    prefix = KINDS.get(kind, KINDS[DEFAULT_KIND])[1]
    return f"{prefix} {place}".strip() if place and KINDS.get(kind, ("", "", ""))[2] else ""


def suggested_superior(kind: str, place: str, province: str) -> str:
    level = KINDS.get(kind, KINDS[DEFAULT_KIND])[2]
    if kind == "tinh":
        return f"UBND tỉnh {province or place}".strip() if (province or place) else ""
    return f"UBND {level} {place}" if level and place else ""


def line(form: dict[str, Any], key: str, label: str, max_len: int = MAX_NAME, required: bool = False) -> str:
    """One line of text with no district word in it (also a reception point's, sync_server.roster.points)."""
    s = roster_edit.text(form.get(key), label, max_len, required=required)
    word = district_word(s)
    if word:
        raise InputError("%(label)s: từ 01/7/2025 không còn cấp huyện, xin bỏ '%(word)s'",
                         {"label": label, "word": word})
    return s


def values(form: dict[str, Any]) -> dict[str, str]:
    """The unit's row from the roster page's form; an InputError names the field. A blank legal
    name or superior is filled in from the kind and the place."""
    kind = str(form.get("kind") or DEFAULT_KIND)
    if kind not in KINDS:
        raise InputError("%(label)s '%(value)s' không hợp lệ",
                         {"label": N_("loại đơn vị"), "value": kind[:40]})
    place = line(form, "place", N_("tên xã, phường"))
    province = line(form, "province", N_("tỉnh, thành phố"))
    name = line(form, "name", N_("tên đơn vị")) or suggested_name(kind, place)
    if not name:
        raise InputError("%(label)s: không được để trống", {"label": N_("tên đơn vị")})
    superior = line(form, "superior", N_("cơ quan chủ quản")) or suggested_superior(kind, place, province)
    codes = {}
    for key, pattern, label, digits in (
            ("province_code", PROVINCE_CODE_RE, N_("mã tỉnh"), 2),
            ("commune_code", COMMUNE_CODE_RE, N_("mã xã"), 5)):
        code = str(form.get(key) or "").strip()
        if code and not pattern.match(code):
            raise InputError("%(label)s '%(value)s': gồm đúng %(n)s chữ số",
                             {"label": label, "value": code[:20], "n": digits})
        codes[key] = code
    return {"kind": kind, "place": place, "name": name, "superior": superior, "province": province,
            **codes, "address": line(form, "address", N_("địa chỉ"), MAX_ADDRESS),
            "signer_title": line(form, "signer_title", N_("chức danh người ký")) or "Giám đốc"}


def current(config: ServerConfig) -> UnitInfo:
    """The unit from the roster, or what server.toml's [unit] says before there is one."""
    row = Unit.select().order_by(Unit.id).first()
    if row is None:
        return UnitInfo(name=config.unit_name, place=config.report_place, superior=config.report_superior)
    return UnitInfo(name=row.name, kind=row.kind if row.kind in KINDS else DEFAULT_KIND, place=row.place,
                    superior=row.superior, province=row.province, province_code=row.province_code,
                    commune_code=row.commune_code, address=row.address,
                    signer_title=row.signer_title or "Giám đốc")


def save(fields: dict[str, str]) -> None:
    """Write the unit's row (the caller holds the transaction and audits)."""
    row = Unit.select().order_by(Unit.id).first()
    if row is None:
        Unit.create(**fields)
    else:
        Unit.update(**fields).where(Unit.id == row.id).execute()


def place_of(unit: UnitInfo) -> str:
    """The place in an official report's date line ("Đại Lãnh, ngày …")."""
    if unit.place:
        return unit.place
    for level in (" đặc khu ", " phường ", " xã ", " tỉnh "):
        if level in unit.name:
            return unit.name.split(level)[-1]
    return unit.province or unit.name


def report_number(unit: UnitInfo) -> str:
    """The number line, left blank to fill in by hand, with the body's abbreviation."""
    return "      /BC-TTPVHCC" if unit.is_centre else "      /BC"
