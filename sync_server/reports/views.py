"""Staff report pages: figures for any period grouped by officer, procedure, field, counter,
channel or question; the monthly officer ranking; the list of responses with their exclusion.
Every report is also a print view, CSV, XLSX and (the official ones) DOCX. The figures come
from sync_server.reports.queries; this module only reads the request and lays them out."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server import i18n
from sync_server.accounts.access import role_required
from sync_server.db.models import Downstream, Field, Procedure
from sync_server.db.models import Response as Rating
from sync_server.exc import InputError
from sync_server.extensions import get_config, reader_locale
from sync_server.i18n import N_, Msg
from sync_server.reports import (
    assisted,
    charts,
    counter_table,
    criteria,
    estimate,
    exclusion,
    figures,
    officer_sheet,
    officer_table,
    officers,
    period_form,
    period_table,
    response_list,
    topics,
    units,
    yes_no,
)
from sync_server.reports import points as report_points
from sync_server.reports import queries as reports
from sync_server.reports.downloads import definition_arg, letterhead, point_arg, send_report
from sync_server.reports.overview import local_today
from sync_server.roster.build import unit_name
from sync_server.roster.names import officer_names

bp = Blueprint("reports", __name__, url_prefix="/reports")

BY = ("officer", "procedure", "field", "kiosk", "point", "channel", "question", "unit")
BY_NAMES = {"officer": N_("Cán bộ"), "procedure": N_("Thủ tục"), "field": N_("Lĩnh vực"),
            "kiosk": N_("Quầy (ki-ốt)"),
            "point": N_("Điểm tiếp nhận"),  # only when the centre has several (roster.points)
            "channel": N_("Kênh đánh giá"), "question": N_("Câu hỏi"),
            "unit": N_("Đơn vị (xã, phường)")}  # at a province hub: one row per commune server
TITLES = {"officer": N_("Kết quả đánh giá mức độ hài lòng theo cán bộ"),
          "procedure": N_("Kết quả đánh giá mức độ hài lòng theo thủ tục"),
          "field": N_("Kết quả đánh giá mức độ hài lòng theo lĩnh vực"),
          "kiosk": N_("Kết quả đánh giá mức độ hài lòng theo quầy"),
          "point": N_("Kết quả đánh giá mức độ hài lòng theo điểm tiếp nhận"),
          "channel": N_("Kết quả đánh giá mức độ hài lòng theo kênh đánh giá"),
          "question": N_("Kết quả đánh giá mức độ hài lòng theo câu hỏi"),
          "unit": N_("Kết quả đánh giá mức độ hài lòng theo đơn vị")}
CHANNEL_NAMES = {"touch": N_("Màn hình cảm ứng"), "button": N_("Nút bấm"), "keypad": N_("Bàn phím số"),
                 "qr": N_("Mã QR (điện thoại)")}
QR_NAME = N_("Mã QR (điện thoại)")
WEEKDAYS = (N_("T2"), N_("T3"), N_("T4"), N_("T5"), N_("T6"), N_("T7"), N_("CN"))
LIST_PAGE = 100




@bp.errorhandler(period_form.PeriodError)
def _period_error(e: period_form.PeriodError):
    return render_template("reports/bad_period.html", error=e, periods=period_form.PERIODS, args=request.args,
                           kept={k: v for k, v in request.args.items()
                                 if k not in ("period", "date", "start", "end", "fmt") and len(v) < 100}), 400


def _names(by: str, unit: str | None = None) -> dict[str, str]:
    if by == "kiosk":  # named once the groups are known (counter_table.names)
        return {}
    if unit:  # a commune's own roster, as its last snapshot named it
        blank = {"officer": "(không rõ cán bộ)", "procedure": "(không chọn thủ tục)",
                 "field": "(không rõ lĩnh vực)", "point": report_points.UNKNOWN}
        return units.names(unit, by) | ({"": blank[by]} if by in blank else {"qr": QR_NAME})
    if by == "officer":
        return officer_names() | {"": "(không rõ cán bộ)"}
    if by == "procedure":
        procedures = Procedure.select(Procedure.code, Procedure.name)
        return {p.code: p.name for p in procedures} | {"": "(không chọn thủ tục)"}
    if by == "field":
        return {f.code: f.name for f in Field.select(Field.code, Field.name)} | {"": "(không rõ lĩnh vực)"}
    if by == "channel":
        return dict(CHANNEL_NAMES)
    if by == "point":
        return report_points.names()
    if by == "unit":  # '' is the hub's own kiosks; a commune no longer configured keeps its last name
        config = get_config()
        return ({d.id: d.name for d in Downstream.select(Downstream.id, Downstream.name)}
                | {d.id: d.name for d in config.downstream} | {"": unit_name(config)})
    return {}


def _codes(cells: dict[str, reports.Cell], names: dict[str, str], definition: str) -> list[str]:
    """The officer codes in the order of the officer table's rows (for its bar chart)."""
    return [r.code for r in officers.ranking(cells, names, definition, get_config().min_visits)]


def _heatmap(period: period_form.Period) -> tuple[list[list[tuple[int, int]]], list[int]]:
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
    period, definition = period_form.read_period(), definition_arg()
    by = request.args.get("by", "officer")
    if by not in BY:
        abort(400, description=_("Cách nhóm không hợp lệ."))
    fmt = request.args.get("fmt", "html")
    target = get_config().satisfaction_target * 100
    scope = period_form.scope(by)
    # At a hub, one commune's points (its snapshot's codes and names), not the hub's own.
    point = point_arg(scope.unit) if by != "point" else None
    several = report_points.several_in(scope.unit)
    point_names = report_points.names_in(scope.unit)
    f = reports.Filters(period.start, period.end, unit=scope.unit, point=point)
    names = _names(by, scope.unit)
    title = TITLES[by]
    when = Msg(N_("Thời gian: %(period)s."), period=period.label)
    if scope.unit is not None:  # at a hub: whose officers, procedures, fields
        when = Msg(N_("Đơn vị: %(name)s (%(code)s). Thời gian: %(period)s."), name=scope.name,
                   code=scope.arg, period=period.label)
    head = letterhead(local_today(get_config().tz), point, scope.unit)
    if point is not None and scope.unit:  # a commune's point at a hub: which commune, which point
        when = Msg(N_("Đơn vị: %(unit)s (%(unit_code)s). Điểm tiếp nhận: %(name)s (%(code)s). "
                      "Thời gian: %(period)s."), unit=scope.name, unit_code=scope.arg,
                   name=point_names[point], code=point, period=period.label)
    elif point is not None:  # one reception point: the title and letterhead say which
        when = Msg(N_("Điểm tiếp nhận: %(name)s (%(code)s). Thời gian: %(period)s."),
                   name=point_names[point], code=point, period=period.label)
    share_column, qid = period_table.SHARE_COLUMN, ""
    if by == "officer":  # the fair officer figure (sync_server.reports.officers)
        officer_cells = officers.officer_cells(f)
        table = officer_table.build(title, when, officer_cells, names, definition,
                                    target, get_config().min_visits)
        labelled = [(names.get(code, code) if code else officers.UNKNOWN, officer_cells[code])
                    for code in _codes(officer_cells, names, definition)]
        share_column = officer_table.SHARE_COLUMN
    elif by == "question":  # one questionnaire at a time, its questions in order
        forms = criteria.used(f)
        qid = request.args.get("questionnaire", "").strip()[:64] or (forms[0] if forms else "overall")
        questions = criteria.rows_of(qid, f)
        table = criteria.build(title, when, qid, questions, definition, target)
        labelled = [(label, cell) for label, _about, cell in questions]
        share_column = criteria.SHARE_COLUMN
    else:
        # By counter at a centre with several points: a counter (kiosk) per point it took ratings
        # at, so a kiosk moved from one point to another shows both, each with its own ratings.
        apart = by == "kiosk" and several and point is None and not scope.unit  # a commune at a hub: none
        if by == "kiosk":  # a counter's kiosk and its QR poster together, by the counter's name
            cells = counter_table.figures(f, apart)
            names = counter_table.names(f, [key[0] for key in cells], QR_NAME)
        else:
            cells = reports.figures(f, (by,))
        order = sorted(cells.items(), key=lambda kv: (-(kv[1].counts.total), names.get(kv[0][0], kv[0][0])))
        # The point after a counter's name only where the counter took ratings at two points (a
        # kiosk moved): otherwise the row is the counter's, as at the province hub.
        at_point, seen = report_points.names(), Counter(key[0] for key, _c in order)
        labelled = [((names.get(key[0], key[0]) or "—")
                     + (f" · {at_point.get(key[1], key[1])}" if apart and seen[key[0]] > 1 else ""), cell)
                    for key, cell in order]
        notes = [when, figures.RULES[definition], figures.target_note(target)]
        if by == "field":
            notes.append(reports.FIELD_RULE)
        if by == "kiosk" and several:
            notes += report_points.former_notes({key[-1] for key, _c in order} if apart else {point},
                                                scope.unit)
        codes = [key[0] for key, _c in order] if by == "procedure" else None
        table = period_table.build(title, BY_NAMES[by], labelled, reports.total(f), notes, definition, target,
                                   codes)
        if by == "unit":  # the commune's code and name as the first two columns (DESIGN.md §6)
            table = period_table.by_unit(table, [key[0] for key, _c in order], names)
        if by == "kiosk":
            table = counter_table.with_channels(table, f, [key for key, _c in order], apart)
        if by == "point":  # the commune a point was before the merger, beside its name
            table = report_points.with_former(table, [key[0] for key, _c in order], f,
                                              report_points.formers_in(scope.unit))
        share_column = table.headers.index("Tỷ lệ hài lòng")
    # The Decision-766-style estimate of the whole period, beside ours (reports.estimate).
    est = estimate.estimate(period.start, period.end, scope.unit, with_overdue=not units.is_hub(get_config()),
                            point=point or None)
    est_lines = estimate.lines(est)
    table.after.append((estimate.HEADING, "\n".join(est_lines)))
    unit_part = f"-{scope.arg}" if scope.arg and scope.arg != period_form.OWN else ""
    unit_part += f"-{point}" if point else ""
    stem = f"hailong-{by}{unit_part}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    sent = send_report(table, fmt, stem, official=True, day=local_today(get_config().tz), head=head)
    if sent is not None:
        return sent
    by_time = "day" if (period.end - period.start).days <= 62 else "month"
    series = reports.figures(f, (by_time,))
    points, day = [], period.start
    while day <= period.end:  # every day or month of the period, empty ones too
        key = day if by_time == "day" else day.replace(day=1)
        points.append((key, series.get((key,))))
        day = day + timedelta(days=1) if by_time == "day" else (key + timedelta(days=32)).replace(day=1)
    # The charts in the page's language; a label that is a known message (the QR page's row,
    # "(không rõ cán bộ)") translated as the table translates it, names as they are.
    target_words, no_data = _("Chỉ tiêu"), _("Chưa có đánh giá")
    trend_svg = charts.trend(
        _("Tỷ lệ hài lòng theo ngày") if by_time == "day" else _("Tỷ lệ hài lòng theo tháng"),
        [i18n.day(k, reader_locale(), "daymonth" if by_time == "day" else "month") for k, _c in points],
        [c.counts.pct(definition) if c else None for _k, c in points], target, target_words, no_data,
        locale=reader_locale())
    bars_svg = charts.bars(_("Tỷ lệ hài lòng theo %(group)s", group=_(BY_NAMES[by]).lower()),
                           [_(label) if label else label for label, _c in labelled],
                           [c.counts.pct(definition) for _l, c in labelled], target, _("dưới chỉ tiêu"),
                           no_data, locale=reader_locale())
    # RollupHour has no unit nor point: the hours are the whole centre's (the province's at a hub),
    # not shown for one commune or one point.
    grid, hours = _heatmap(period) if scope.unit is None and point is None else ([], [])
    # At a hub, one commune's drill-down offers its points when its snapshot names several.
    by_names = {b: n for b, n in BY_NAMES.items() if (b != "unit" or get_config().downstream or by == "unit")
                and (b != "point" or several or by == "point")}
    return render_template("reports/reports.html", title=title, table=table, share_column=share_column,
                           period=period, by=by, by_names=by_names,
                           definition=definition, definitions=figures.NAMES, periods=period_form.PERIODS,
                           trend_svg=trend_svg, bars_svg=bars_svg, grid=grid, hours=hours,
                           weekdays=WEEKDAYS, print_view=fmt == "print", args=request.args,
                           before=period_form.neighbour(period, -1, request.args),
                           after=period_form.neighbour(period, 1, request.args)
                           if period.end < local_today(get_config().tz) else None,
                           letterhead=head, points=point_names if several else None,
                           point=point or "",
                           forms=criteria.used(f) if by == "question" else [],
                           form=qid, scope=scope, scoped=units.SCOPED,
                           units=units.units(get_config()) if units.is_hub(get_config()) else None,
                           own=period_form.OWN, own_name=unit_name(get_config()), estimate_lines=est_lines,
                           # a commune's officers at the hub: the photos it marked public
                           officer_photos=units.public_photos(get_config().data_dir, scope.unit)
                           if by == "officer" and scope.unit else [],
                           estimate_heading=estimate.HEADING)


@bp.get("/officers")
@role_required("staff")
def officers_month():
    """The per-officer sheet of a month (`month=2026-12`) or a quarter (`quarter=2026-Q4`), ranked
    (seed 003: it feeds the yearly grading; NĐ 335/2025: the monthly KPI)."""
    today = local_today(get_config().tz)
    raw = request.args.get("quarter") or request.args.get("month") or f"{today:%Y-%m}"
    try:
        period = officer_sheet.parse(raw)
    except ValueError:
        abort(400, description=_("Kỳ không hợp lệ: dùng tháng dạng năm-tháng (2026-11) hoặc quý dạng "
                                 "năm-Qsố (2026-Q4)."))
    definition, fmt = definition_arg(), request.args.get("fmt", "html")
    config = get_config()
    scope = period_form.scope("officer")
    point = point_arg(scope.unit)  # at a hub: a point of the commune shown
    table = officer_sheet.build(period, definition, config.satisfaction_target * 100, config.min_visits,
                                _names("officer", scope.unit), scope.unit, f"{scope.name} ({scope.arg})",
                                point=point)
    if point is not None:
        table.notes.insert(0, Msg(N_("Điểm tiếp nhận: %(name)s (%(code)s)."),
                                  name=report_points.names_in(scope.unit)[point], code=point))
    head = letterhead(local_today(get_config().tz), point, scope.unit)
    unit_part = f"-{scope.arg}" if scope.arg and scope.arg != period_form.OWN else ""
    unit_part += f"-{point}" if point else ""
    sent = send_report(table, fmt, f"hailong-can-bo{unit_part}-{period.arg}", official=True, day=today,
                       head=head)
    if sent is not None:
        return sent
    return render_template("reports/table.html", title=table.title, table=table,
                           share_column=officer_table.SHARE_COLUMN, period=period,
                           month=f"{period.start:%Y-%m}" if period.kind == "month" else "",
                           quarter=period.arg if period.kind == "quarter" else "",
                           letterhead=head,
                           points=report_points.names_in(scope.unit) if report_points.several_in(scope.unit)
                           else None,
                           point=point or "",
                           definition=definition, definitions=figures.NAMES, print_view=fmt == "print",
                           args=request.args, unit=scope.arg)


def _counted(name: str, table_of, stem: str, unit: str | None = None):
    """A counting report (no 1–5 figures, not an official one): page, print, CSV, XLSX; for the
    whole centre or one reception point (`point`), named under the title and in the file name;
    `unit`: at a hub, the commune whose points `point` names."""
    period, fmt, point = period_form.read_period(), request.args.get("fmt", "html"), point_arg(unit)
    table = table_of(period, point)
    point_line = None
    if point is not None:
        point_line = Msg(N_("Điểm tiếp nhận: %(name)s (%(code)s)."), name=report_points.names_in(unit)[point],
                         code=point)
        table.notes.insert(0, point_line)
    point_part = f"-{point}" if point else ""
    sent = send_report(table, fmt, f"{stem}{point_part}-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
                       official=False, day=local_today(get_config().tz))
    if sent is not None:
        return sent
    return render_template("reports/topics.html", title=table.title, table=table, period=period,
                           periods=period_form.PERIODS, print_view=fmt == "print", args=request.args,
                           endpoint=name,
                           points=report_points.names_in(unit) if report_points.several_in(unit) else None,
                           point=point or "", point_line=point_line)


@bp.get("/topics")
@role_required("staff")
def topics_report():
    """How often each topic chip was chosen, by score, with the addenda (sync_server.reports.topics)."""
    return _counted("reports.topics_report",
                    lambda p, point: topics.table(topics.count(p.start, p.end, point), p.label),
                    "hailong-chu-de")


@bp.get("/yes-no")
@role_required("staff")
def yes_no_report():
    """The "yes" answers of yes/no questions, per officer and per procedure (reports.yes_no)."""
    unit = period_form.scope("officer").unit  # at a hub: one commune's (its own questions, officers)
    return _counted("reports.yes_no_report",
                    lambda p, point: yes_no.table(yes_no.count(p.start, p.end, unit, point), p.label, unit),
                    "hailong-co-khong" + (f"-{unit}" if unit else ""), unit)


@bp.get("/assisted")
@role_required("staff")
def assisted_report():
    """Responses a staff member helped with, apart from the others, per officer (reports.assisted)."""
    return _counted("reports.assisted_report",
                    lambda p, point: assisted.table(assisted.count(p.start, p.end, point), p.label),
                    "hailong-co-can-bo-giup")


@bp.get("/responses")
@role_required("staff")
def responses():
    period = period_form.read_period()
    query = (Rating.select().where((Rating.local_date >= period.start) & (Rating.local_date <= period.end))
             .order_by(Rating.id.desc()))
    kiosk = request.args.get("kiosk", "").strip()
    if kiosk:
        query = query.where(Rating.kiosk_id == kiosk[:64])
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    rows = list(query.paginate(page_no, LIST_PAGE))
    labels = response_list.Labels.load(rows)
    for r in rows:
        r.answers = labels.answers(r, json.loads(r.body).get("answers", {}))
    return render_template("reports/responses.html", title=_("Phiếu đánh giá"), rows=rows, period=period,
                           labels=labels, channels=CHANNEL_NAMES, qr_name=QR_NAME,
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
