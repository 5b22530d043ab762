"""The privacy notice (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP, in
force from 1 January 2026): what is kept, who sees it, how long. A short line on the kiosk's idle
screen with the full text a touch away, and the same text on the QR page. Standard library
only: the kiosk and the server share these defaults; each may replace them in its config
([privacy] in kiosk.toml and server.toml).

The default says only what hailong does: it keeps the score, the officer, the procedure and the
time; it records no name, phone, ID number, picture or voice (the QR page's optional name field,
when a unit turns it on, is said apart); it deletes nothing by itself, so how long ratings are
kept is the unit's rule (`retention`).
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.shared.configfile import Section

LINE = {
    "vi": "Không ghi tên, không chụp ảnh. Chạm để xem thêm",
    "en": "No name, no photo is kept. Touch to read more",
}
# The kiosk's idle screen: the same notice in two short lines on a button in the top-left corner.
BUTTON = {"vi": "Không ghi tên\nXem thêm ›", "en": "No name kept\nRead more ›"}
TITLE = {"vi": "Thông báo về dữ liệu cá nhân", "en": "About your data"}
RETENTION = {
    "vi": "theo quy định lưu trữ của đơn vị",
    "en": "as long as the unit's records rules say",
}
TEXT = {
    "vi": ("Ghi lại: mức đánh giá Ông/Bà chọn, cán bộ và thủ tục được đánh giá, thời gian đánh giá.\n"
           "Không ghi: họ tên, số điện thoại, số giấy tờ, hình ảnh hay giọng nói của Ông/Bà.\n"
           "Người xem: lãnh đạo và người được giao của {unit}, bằng tài khoản có mật khẩu. "
           "Kết quả tổng hợp được công khai và báo cáo cấp trên.\n"
           "Thời gian lưu: {retention}.\n"
           "Mục đích: đánh giá và nâng cao chất lượng phục vụ (Nghị định 118/2025/NĐ-CP)."),
    "en": ("Kept: the rating you chose, the officer and the procedure rated, and the time.\n"
           "Not kept: your name, phone number, ID number, picture or voice.\n"
           "Who sees it: the leaders and the staff in charge at {unit}, with password-protected "
           "accounts. Totals are made public and reported to the level above.\n"
           "How long: {retention}.\n"
           "Why: to assess and improve the service (Decree 118/2025/ND-CP)."),
}
# What may replace the defaults in a config's [privacy] table (Vietnamese; `_en` for English).
KEYS = ("line", "button", "title", "text", "retention")
MAX_LINE = 120
MAX_BUTTON = 40  # two short lines on a button the size of the language switch
MAX_TEXT = 2000


def notice(overrides: Mapping[str, str], language: str, unit: str) -> dict[str, str]:
    """{line, button, title, text} in `language` ("vi" or "en"), the config's words first."""
    suffix = "" if language == "vi" else "_en"

    def pick(key: str, default: Mapping[str, str]) -> str:
        return overrides.get(key + suffix) or default.get(language) or default["vi"]

    retention = pick("retention", RETENTION)
    text = pick("text", TEXT)
    return {"line": pick("line", LINE), "button": pick("button", BUTTON), "title": pick("title", TITLE),
            "text": text.replace("{unit}", unit).replace("{retention}", retention)}


def from_config(section: Section) -> dict[str, str]:
    """The [privacy] table of kiosk.toml or server.toml: each key optional, text only, bounded."""
    out: dict[str, str] = {}
    for key in KEYS:
        for name in (key, key + "_en"):
            value = section.string(name, "", nonempty=False).strip()
            limit = MAX_BUTTON if key == "button" else MAX_LINE if key in ("line", "title") else MAX_TEXT
            if len(value) > limit:
                raise section.fail(name, f"longer than {limit} characters")
            if value:
                out[name] = value
    unknown = sorted(set(section.data) - set(out) - {k + s for k in KEYS for s in ("", "_en")})
    if unknown:
        raise section.fail(unknown[0], f"unknown key; use {', '.join(KEYS)} (and the same with _en)")
    return out
