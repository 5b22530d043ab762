"""Staff report pages: figures for any period grouped by officer, procedure, field, counter,
channel or question; the monthly officer ranking; the list of responses with their exclusion.
Every report is also a print view, CSV, XLSX and (the official ones) DOCX. The figures come
from sync_server.reports.queries; this module only reads the request and lays them out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.db.models import Field, Kiosk, Officer, Procedure, Questionnaire
from sync_server.db.models import Response as Rating
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.i18n import N_
from sync_server.reports import charts, exclusion, exports, figures, topics, yes_no
from sync_server.reports import queries as reports
from sync_server.reports.downloads import definition_arg, send_report
from sync_server.reports.overview import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")

PERIODS = ("day", "week", "month", "year", "custom")
BY = ("officer", "procedure", "field", "kiosk", "channel", "question")
BY_NAMES = {"officer": "Cán bộ", "procedure": "Thủ tục", "field": "Lĩnh vực", "kiosk": "Quầy (ki-ốt)",
            "channel": N_("Kênh đánh giá"), "question": N_("Câu hỏi")}
CHANNEL_NAMES = {"touch": "Màn hình cảm ứng", "button": "Nút bấm", "keypad": "Bàn phím số",
                 "qr": "Mã QR (điện thoại)"}
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
MAX_RANGE_DAYS = 3 * 366
LIST_PAGE = 100


@dataclass
class Period:
    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.strftime("%d/%m/%Y")
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _date_arg(name: str, default: date) -> date:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("Ngày không hợp lệ ở ô “%(name)s”: dùng dạng năm-tháng-ngày, "
                                 "ví dụ 2026-11-23.", name=name))


def _period() -> Period:
    today = local_today(get_config().tz)
    kind = request.args.get("period", "month")
    if kind not in PERIODS:
        abort(400, description=_("Kỳ báo cáo không hợp lệ."))
    day = _date_arg("date", today)
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        return Period(kind, *reports.report_week(day))
    if kind == "month":
        return Period(kind, *reports.month_of(day))
    if kind == "year":
        return Period(kind, *reports.year_of(day))
    start, end = _date_arg("start", today.replace(day=1)), _date_arg("end", today)
    if end < start:
        abort(400, description=_("Ngày kết thúc đứng trước ngày bắt đầu."))
    if (end - start).days > MAX_RANGE_DAYS:
        abort(400, description=_("Khoảng thời gian dài quá 3 năm."))
    return Period(kind, start, end)


def _questions() -> dict[str, str]:
    """Question id -> its text, from every questionnaire version (newest text wins)."""
    texts: dict[str, str] = {}
    for q in Questionnaire.select().order_by(Questionnaire.version):
        try:
            for question in json.loads(q.document).get("questions", []):
                text = question.get("text")
                texts[question["id"]] = text.get("vi", "") if isinstance(text, dict) else str(text or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    texts.setdefault("q1", "Mức độ hài lòng chung")
    return texts


def _names(by: str) -> dict[str, str]:
    if by == "officer":
        officers = Officer.select(Officer.code, Officer.name)
        return {o.code: o.name for o in officers} | {"": "(không rõ cán bộ)"}
    if by == "procedure":
        procedures = Procedure.select(Procedure.code, Procedure.name)
        return {p.code: f"{p.name} ({p.code})" for p in procedures} | {"": "(không chọn thủ tục)"}
    if by == "field":
        return {f.code: f.name for f in Field.select(Field.code, Field.name)} | {"": "(không rõ lĩnh vực)"}
    if by == "kiosk":
        return {k.id: k.id for k in Kiosk.select(Kiosk.id)}
    if by == "channel":
        return dict(CHANNEL_NAMES)
    if by == "question":
        return _questions()
    return {}


def _row(label: str, cell: reports.Cell, definition: str) -> list[Any]:
    c = cell.counts
    rhl, hl, khl = c.three_level()
    return [label, cell.responses, cell.partial, c.total, figures.fmt_mean(c.mean),
            figures.fmt_pct(c.pct(definition)), rhl, hl, khl, *c.n]


# The visits, and next to them how many of those were partial (K10: counted apart).
HEADERS = ["", N_("Lượt đánh giá"), reports.PARTIAL_HEADER, N_("Câu trả lời"), N_("Điểm trung bình"),
           N_("Tỷ lệ hài lòng"), N_("Rất hài lòng"), N_("Hài lòng"), N_("Không hài lòng"),
           N_("Mức 1"), N_("Mức 2"), N_("Mức 3"), N_("Mức 4"), N_("Mức 5")]
SHARE_COLUMN = HEADERS.index("Tỷ lệ hài lòng")


def _table(title: str, first_header: str, labelled: list[tuple[str, reports.Cell]], total: reports.Cell,
           notes: list[str], definition: str, target: float) -> exports.Table:
    rows, below = [], set()
    for i, (label, cell) in enumerate(labelled):
        rows.append(_row(label, cell, definition))
        if cell.counts.below(target, definition):
            below.add(i)
    rows.append(_row("Tổng cộng", total, definition))
    return exports.Table(title, notes, [first_header, *HEADERS[1:]], rows, below)


def _heatmap(period: Period) -> tuple[list[list[tuple[int, int]]], list[int]]:
    """[weekday][hour] -> (responses, with a score of 1–2) in the unit's time zone: the office
    hours 7h–17h, widened to every hour that has a rating, so the cells add up to the table."""
    cells = reports.hour_grid(period.start, period.end)
    seen = [hour for (_day, hour), (n, _low) in cells.items() if n]
    hours = list(range(min([7, *seen]), max([17, *seen]) + 1))
    grid = [[cells.get((day, hour), (0, 0)) for hour in hours] for day in range(len(WEEKDAYS))]
    return grid, hours


@bp.get("")
@role_required("staff")
def overview():
    period, definition = _period(), definition_arg()
    by = request.args.get("by", "officer")
    if by not in BY:
        abort(400, description=_("Cách nhóm không hợp lệ."))
    fmt = request.args.get("fmt", "html")
    target = get_config().satisfaction_target * 100
    f = reports.Filters(period.start, period.end)
    names = _names(by)
    cells = reports.figures(f, (by,))
    order = sorted(cells.items(), key=lambda kv: (-(kv[1].counts.total), names.get(kv[0][0], kv[0][0])))
    labelled = [(names.get(key[0], key[0]) or "—", cell) for key, cell in order]
    total = reports.total(f)
    notes = [f"Thời gian: {period.label}. Nhóm theo: {BY_NAMES[by].lower()}.",
             figures.RULES[definition],
             f"Chỉ tiêu: {figures.fmt_pct(target)}. Dòng in đậm: dưới chỉ tiêu. Không tính các phiếu "
             "đã loại khỏi báo cáo; câu hỏi bỏ qua không được tính."]
    if by == "field":
        notes.append(reports.FIELD_RULE)
    title = f"Kết quả đánh giá mức độ hài lòng theo {BY_NAMES[by].lower()}"
    table = _table(title, BY_NAMES[by], labelled, total, notes, definition, target)
    stem = f"hailong-{by}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    sent = send_report(table, fmt, stem, official=True, day=local_today(get_config().tz))
    if sent is not None:
        return sent
    by_time = "day" if (period.end - period.start).days <= 62 else "month"
    series = reports.figures(f, (by_time,))
    points, day = [], period.start
    while day <= period.end:  # every day or month of the period, empty ones too
        key = day if by_time == "day" else day.replace(day=1)
        points.append((key, series.get((key,))))
        day = day + timedelta(days=1) if by_time == "day" else (key + timedelta(days=32)).replace(day=1)
    trend_svg = charts.trend(
        "Tỷ lệ hài lòng theo " + ("ngày" if by_time == "day" else "tháng"),
        [k.strftime("%d/%m" if by_time == "day" else "%m/%Y") for k, _c in points],
        [c.counts.pct(definition) if c else None for _k, c in points], target)
    bars_svg = charts.bars(f"Tỷ lệ hài lòng theo {BY_NAMES[by].lower()}", [label for label, _c in labelled],
                           [c.counts.pct(definition) for _l, c in labelled], target)
    grid, hours = _heatmap(period)
    return render_template("reports/reports.html", title=title, table=table, share_column=SHARE_COLUMN,
                           period=period, by=by, by_names=BY_NAMES,
                           definition=definition, definitions=figures.NAMES, periods=PERIODS,
                           trend_svg=trend_svg, bars_svg=bars_svg, grid=grid, hours=hours,
                           weekdays=WEEKDAYS, print_view=fmt == "print", args=request.args)


@bp.get("/officers")
@role_required("staff")
def officers_month():
    """The monthly report per officer with ranking (seed 003: it feeds the yearly grading)."""
    today = local_today(get_config().tz)
    raw = request.args.get("month", f"{today:%Y-%m}")
    try:
        first = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        abort(400, description=_("Tháng không hợp lệ: dùng dạng năm-tháng, ví dụ 2026-11."))
    start, end = reports.month_of(first)
    definition, fmt = definition_arg(), request.args.get("fmt", "html")
    target = get_config().satisfaction_target * 100
    f = reports.Filters(start, end)
    cells = reports.figures(f, ("officer",))
    names = _names("officer")
    ranked = sorted(((names.get(k[0], k[0]), c) for k, c in cells.items() if k[0]),
                    key=lambda nc: (-(nc[1].counts.pct(definition) or -1), -nc[1].counts.total, nc[0]))
    labelled = [(f"{i}. {name}", c) for i, (name, c) in enumerate(ranked, 1)]
    notes = [f"Tháng {start:%m/%Y} (từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}). Xếp hạng theo tỷ lệ hài "
             "lòng, cùng tỷ lệ thì theo số câu trả lời.", figures.RULES[definition],
             f"Chỉ tiêu: {figures.fmt_pct(target)}. Dòng in đậm: dưới chỉ tiêu."]
    title = f"Kết quả đánh giá mức độ hài lòng đối với cán bộ, công chức tháng {start:%m/%Y}"
    table = _table(title, N_("Cán bộ (xếp hạng)"), labelled, reports.total(f), notes, definition, target)
    sent = send_report(table, fmt, f"hailong-can-bo-{start:%Y-%m}", official=True, day=today)
    if sent is not None:
        return sent
    return render_template("reports/table.html", title=title, table=table, share_column=SHARE_COLUMN,
                           month=f"{start:%Y-%m}",
                           definition=definition, definitions=figures.NAMES, print_view=fmt == "print",
                           args=request.args)


def _counted(name: str, table_of, stem: str):
    """A counting report (no 1–5 figures, not an official one): page, print, CSV, XLSX."""
    period, fmt = _period(), request.args.get("fmt", "html")
    table = table_of(period)
    sent = send_report(table, fmt, f"{stem}-{period.start:%Y%m%d}-{period.end:%Y%m%d}", official=False,
                       day=local_today(get_config().tz))
    if sent is not None:
        return sent
    return render_template("reports/topics.html", title=table.title, table=table, period=period,
                           periods=PERIODS, print_view=fmt == "print", args=request.args, endpoint=name)


@bp.get("/topics")
@role_required("staff")
def topics_report():
    """How often each topic chip was chosen, by score, with the addenda (sync_server.reports.topics)."""
    return _counted("reports.topics_report",
                    lambda p: topics.table(topics.count(p.start, p.end), p.label), "hailong-chu-de")


@bp.get("/yes-no")
@role_required("staff")
def yes_no_report():
    """The "yes" answers of yes/no questions, per officer and per procedure (reports.yes_no)."""
    return _counted("reports.yes_no_report",
                    lambda p: yes_no.table(yes_no.count(p.start, p.end), p.label), "hailong-co-khong")


@bp.get("/responses")
@role_required("staff")
def responses():
    period = _period()
    query = (Rating.select().where((Rating.local_date >= period.start) & (Rating.local_date <= period.end))
             .order_by(Rating.id.desc()))
    kiosk = request.args.get("kiosk", "").strip()
    if kiosk:
        query = query.where(Rating.kiosk_id == kiosk[:64])
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    rows = list(query.paginate(page_no, LIST_PAGE))
    for r in rows:
        r.answers = json.loads(r.body).get("answers", {})
    return render_template("reports/responses.html", title=_("Phiếu đánh giá"), rows=rows, period=period,
                           page_no=page_no, more=len(rows) == LIST_PAGE, kiosk=kiosk, args=request.args,
                           addenda=topics.addenda_for([r.uuid for r in rows]))


@bp.post("/responses/<int:response_id>/exclusion")
@role_required("staff")
def set_exclusion(response_id: int):
    excluded = request.form.get("action") == "exclude"
    user = g.user
    try:
        exclusion.set_excluded(response_id, excluded, request.form.get("reason", ""), user.username,
                               role=user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã loại phiếu khỏi báo cáo.") if excluded else _("Đã tính lại phiếu vào báo cáo."), "ok")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/responses") else url_for("reports.responses"))
