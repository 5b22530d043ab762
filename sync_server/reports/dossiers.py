"""The per-dossier export for the provincial system: each rating linked to a dossier code
(mã hồ sơ, [dossier] on the kiosk) as one CSV line. This is NOT an integration with the national
portal: staff hand the file to the province, whose system is the only route by which ratings
reach it (docs/reports.md). Excluded responses are left out. No Flask here."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from sync_server.db.models import Answer, DossierLink, Procedure, Response
from sync_server.roster.names import officer_names

# The columns, documented in docs/reports.md ("The per-dossier export").
HEADERS = ["ma_ho_so", "thoi_gian", "ma_can_bo", "can_bo", "ma_thu_tuc", "thu_tuc", "kenh", "diem",
           "diem_thap_nhat", "ma_phieu"]


def rows(start: date, end: date, tz: ZoneInfo) -> list[list[object]]:
    """One line per linked rating whose local date is in [start, end], oldest first."""
    linked = list(Response.select(Response, DossierLink.code.alias("dossier"))
                  .join(DossierLink, on=(DossierLink.response_uuid == Response.uuid))
                  .where((Response.local_date >= start) & (Response.local_date <= end) & ~Response.excluded)
                  .order_by(Response.recorded_utc, Response.id).objects())
    scores: dict[int, list[tuple[str, int]]] = {}
    ids = [r.id for r in linked]
    for i in range(0, len(ids), 500):
        for rid, question, score in (Answer.select(Answer.response, Answer.question, Answer.score)
                                     .where(Answer.response.in_(ids[i:i + 500]))
                                     .order_by(Answer.id).tuples()):
            scores.setdefault(rid, []).append((question, score))
    officers = officer_names()
    procedures = dict(Procedure.select(Procedure.code, Procedure.name).tuples())
    out: list[list[object]] = []
    for r in linked:
        given = scores.get(r.id, [])
        when = r.time_utc.replace(tzinfo=UTC).astimezone(tz)
        out.append([r.dossier, when.strftime("%Y-%m-%d %H:%M"), r.officer or "", officers.get(r.officer, ""),
                    r.procedure or "", procedures.get(r.procedure, ""), r.channel,
                    "; ".join(f"{q}={s}" for q, s in given), min((s for _q, s in given), default=""), r.uuid])
    return out
