"""What the report pages share besides their routes: the definition of "satisfied" the page asks
for, and a report table sent as a CSV, XLSX or DOCX file (the DOCX with the unit's letterhead)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, request
from flask_babel import gettext as _

from sync_server.config import DEFAULT_SIGNER
from sync_server.extensions import get_config
from sync_server.i18n import N_, Msg
from sync_server.reports import docx_report, exports, figures
from sync_server.reports import points as report_points
from sync_server.roster import unit as roster_unit
from sync_server.roster.build import unit_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

def definition_arg() -> str:
    chosen = request.args.get("def") or get_config().satisfaction_definition
    if chosen not in figures.DEFINITIONS:
        abort(400, description=_("Cách tính tỷ lệ hài lòng không hợp lệ."))
    return chosen

def attachment(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response

def point_arg(unit: str | None = None) -> str | None:
    """`point=<code>`: one reception point's ratings (None: the whole centre); an unknown one is a
    400 naming the field. At a hub, `unit` (a commune's server_id) checks the code against that
    commune's points, not the hub's own."""
    raw = request.args.get("point", "").strip()[:64]
    if not raw:
        return None
    if raw not in report_points.names_in(unit):
        abort(400, description=_("Không có điểm tiếp nhận “%(point)s” (ô “point”).", point=raw))
    return raw


def letterhead(day: date, point: str | None = None, unit: str | None = None) -> docx_report.Letterhead:
    """The unit on /roster as NĐ 30/2020 lays it out (the People's Committee above, the centre's
    legal name, the place of the date line, the number; no district) and the report's frame from
    `[unit]` (Kính gửi, Nơi nhận, the signature). A signer title set in `[unit]` wins over the
    unit page's ("Giám đốc")."""
    config = get_config()
    own = roster_unit.current(config)
    signer = (config.signer_title if config.signer_title != DEFAULT_SIGNER
              else own.signer_title.upper())
    return docx_report.Letterhead(superior=own.superior, unit=own.name, place=roster_unit.place_of(own),
                                  number=roster_unit.report_number(own), day=day, to=config.report_to,
                                  receivers=config.report_receivers, authority=config.signer_authority,
                                  signer_title=signer, signer_name=config.signer_name,
                                  # one reception point's report: named under the title
                                  point=Msg(N_("Điểm tiếp nhận: %(name)s"),
                                            name=report_points.names_in(unit)[point]) if point else "")

def send_report(table: exports.Table, fmt: str, stem: str, official: bool, day: date,
                head: docx_report.Letterhead | None = None) -> Response | None:
    """`head`: the letterhead when the page made its own (e.g. naming a reception point)."""
    if fmt == "csv":
        return attachment(exports.to_csv(table), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return attachment(exports.to_xlsx(table, unit_name(get_config())), f"{stem}.xlsx", XLSX)
    if fmt == "docx" and official:
        return attachment(docx_report.to_docx(table, head or letterhead(day)), f"{stem}.docx", DOCX)
    if fmt not in ("html", "print"):
        abort(400, description=_("Định dạng tệp không hợp lệ."))
    return None
