"""The yearly survey report of seed 004, Appendix 2 ("Mẫu báo cáo kết quả khảo sát năm"): ten
rows, filled in from the data where the data knows them (period, form, the field and procedure
with the most forms, the total), and written by staff where it does not (the implementing
document, the cycle, the unit in charge, how results were published, sub-units), plus the
"difficulties" and "proposals" sections. Staff text is kept per year: the centre's, and each
reception point's own for the point's report, a row a point left empty reading the centre's.
No Flask here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from peewee import fn

from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import Field, Procedure, YearlyText
from sync_server.db.models import Response as Rating
from sync_server.exc import InputError
from sync_server.reports import figures
from sync_server.reports import queries as reports

# (row number, the content as Appendix 2 words it, the key of staff text or None if computed)
ROWS = (
    (1, "Đơn vị triển khai khảo sát", "unit"),
    (2, "Thời gian triển khai trong năm", None),
    (3, "Hình thức khảo sát", None),
    (4, "Kỳ lấy phiếu", "cycle"),
    (5, "Đơn vị được giao chủ trì tham mưu triển khai thực hiện", "lead_unit"),
    (6, "Lĩnh vực/TTHC có số phiếu khảo sát nhiều nhất", None),
    (7, "Tổng số phiếu khảo sát thu về trong năm", None),
    (8, "Hình thức công khai kết quả khảo sát", "publication"),
    (9, "Số đơn vị trực thuộc triển khai khảo sát", "subunits"),
    (10, "Tổng số phiếu khảo sát tại các đơn vị trực thuộc", "subunit_forms"),
)
SECTIONS = (("difficulties", "2. Khó khăn, vướng mắc (nếu có)"),
            ("proposals", "3. Kiến nghị, đề xuất (nếu có)"))
EDITABLE = tuple(k for _n, _t, k in ROWS if k) + tuple(k for k, _t in SECTIONS)
# What Appendix 2's guidance asks for in each written row, shown as the placeholder.
HINTS = {
    "unit": "Có/Không; nếu có: số, ký hiệu, ngày ban hành văn bản triển khai",
    "cycle": "01, 03 hoặc 06 tháng (ki-ốt lấy ý kiến liên tục, hằng ngày)",
    "lead_unit": "Tên phòng, ban, đơn vị (ví dụ: Văn phòng HĐND và UBND)",
    "publication": "Các hình thức công khai (niêm yết tại Bộ phận Một cửa, trang thông tin điện tử…)",
    "subunits": "Số lượng đơn vị trực thuộc triển khai",
    "subunit_forms": "Tổng số phiếu của các kỳ lấy phiếu tại các đơn vị trực thuộc",
    "difficulties": "",
    "proposals": "",
}
CHANNELS = {"touch": "màn hình cảm ứng", "button": "nút bấm", "keypad": "bàn phím số"}
MAX_TEXT = 2000


@dataclass
class Yearly:
    year: int
    rows: list[tuple[int, str, str, str | None]]  # number, content, result, staff key (None: computed)
    sections: list[tuple[str, str, str]]  # key, heading, text
    total: int
    partial: int  # of `total`, the responses left unfinished (counted apart, K10)
    pct: float | None
    definition: str
    point: str | None = None
    own: dict[str, str] | None = None  # a point's own staff text (None: the centre's report)
    centre: dict[str, str] | None = None  # the centre's, what a point's empty rows read


def staff_text(year: int, point: str | None = None) -> dict[str, str]:
    """The staff text kept for the year (`point`: that point's own, not the centre's)."""
    row = YearlyText.get_or_none((YearlyText.year == year) & (YearlyText.point == (point or "")))
    return json.loads(row.value) if row else {}


def save_text(year: int, form: dict[str, str], actor: str, role: str | None = None,
              ip: str | None = None, point: str | None = None) -> None:
    """Keep the year's staff text: the centre's, or one reception point's own (`point`)."""
    values = {}
    for key in EDITABLE:
        text = (form.get(key) or "").strip()
        if len(text) > MAX_TEXT:
            raise InputError("Mục “%(key)s”: dài quá %(n)s ký tự.", {"key": key, "n": MAX_TEXT})
        values[key] = text
    value = json.dumps(values, ensure_ascii=False)
    with write_transaction():
        before = staff_text(year, point)
        YearlyText.insert(year=year, point=point or "", value=value).on_conflict(
            conflict_target=[YearlyText.year, YearlyText.point], update={YearlyText.value: value}).execute()
        changed = {k: v for k, v in values.items() if before.get(k, "") != v}
        # The audit's target as before for the centre's text; a point's names the point.
        audit.record(actor, "yearly_report.edit", f"yearly-report:{year}" + (f":{point}" if point else ""),
                     changed, role=role, ip=ip)


def _channels(f: reports.Filters) -> str:
    cells = reports.figures(f, ("channel",))
    at_desk = [c for (ch,), c in cells.items() if ch != "qr"]
    kiosk, kiosk_partial = sum(c.responses for c in at_desk), sum(c.partial for c in at_desk)
    kinds = sorted({CHANNELS.get(ch, ch) for (ch,), c in cells.items() if ch != "qr" and c.responses})
    parts = []
    if kiosk:
        parts.append(f"Lấy phiếu trực tiếp tại Bộ phận Một cửa bằng ki-ốt điện tử ({', '.join(kinds)}): "
                     f"{reports.forms(kiosk, kiosk_partial)}")
    qr = cells.get(("qr",), reports.Cell())
    if qr.responses:
        parts.append(f"qua mã QR trên điện thoại của người dân: {reports.forms(qr.responses, qr.partial)}")
    return "; ".join(parts) or "Chưa có phiếu nào trong năm"


def _most(f: reports.Filters) -> str:
    by_field = reports.figures(f, ("field",))
    by_procedure = reports.figures(f, ("procedure",))
    fields = {f.code: f.name for f in Field.select(Field.code, Field.name)}
    procedures = {p.code: p.name for p in Procedure.select(Procedure.code, Procedure.name)}
    parts = []
    # Two with the same count are both the most: each is named (in code order), never one picked.
    top_fields = _tops({k[0]: c for k, c in by_field.items() if k[0]})
    if top_fields:
        parts.append("Lĩnh vực: " + ", ".join(
            f"{fields.get(code, code)} — {reports.forms(c.responses, c.partial)}" for code, c in top_fields))
    top_procedures = _tops({k[0]: c for k, c in by_procedure.items() if k[0]})
    if top_procedures:
        parts.append("Thủ tục: " + ", ".join(
            f"{procedures.get(code, code)} (mã {code}) — {reports.forms(c.responses, c.partial)}"
            for code, c in top_procedures))
    if not parts:
        return "Chưa xác định (phiếu chưa ghi thủ tục)"
    return "; ".join(parts) + ". " + reports.FIELD_RULE


def _tops(cells: dict[str, reports.Cell]) -> list[tuple[str, reports.Cell]]:
    """The codes with the most responses (several when they tie), in code order."""
    most = max((c.responses for c in cells.values()), default=0)
    return sorted((code, c) for code, c in cells.items() if most and c.responses == most)


def build(year: int, definition: str, point: str | None = None) -> Yearly:
    """The year's report; at one reception point when `point` is given: its computed rows from the
    point's ratings, its written rows the point's own text, a row it left empty the centre's."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    f = reports.Filters(start, end, point=point)
    centre = staff_text(year)
    own = staff_text(year, point) if point is not None else None
    text = centre | {k: v for k, v in (own or {}).items() if v}
    total = reports.total(f)
    span = (Rating.select(fn.MIN(Rating.local_date), fn.MAX(Rating.local_date))
            .where((Rating.local_date >= start) & (Rating.local_date <= end) & ~Rating.excluded))
    if point is not None:
        span = span.where(reports.at_point(Rating, point, None))
    first, last = span.tuples().get()
    first, last = reports.as_date(first), reports.as_date(last)
    pct = total.counts.pct(definition)
    computed = {
        2: (f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}" if first and last
            else "Chưa có phiếu nào trong năm"),
        3: _channels(f),
        6: _most(f),
        7: f"{reports.forms(total.responses, total.partial)}; {figures.NAMES[definition].lower()}: "
           f"{figures.fmt_pct(pct)}",
    }
    rows = [(n, content, computed[n] if key is None else text.get(key, ""), key) for n, content, key in ROWS]
    sections = [(key, heading, text.get(key, "")) for key, heading in SECTIONS]
    return Yearly(year, rows, sections, total.responses, total.partial, pct, definition, point, own, centre)
