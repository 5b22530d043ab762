"""Assisted ratings (NĐ 118/2025 Điều 31.3: staff help elderly, disabled and ethnic-minority
citizens to evaluate), reported apart: per officer, the responses a staff member helped with and
the others, each with its share of answers scoring 4–5. A rating given with the officer at the
citizen's side may read kinder than one given alone; the unit sees both side by side.

A response is assisted when it carries the flag "assisted" (the kiosk's assist key or button,
kiosk.assist; the QR page's checkbox). Excluded responses are left out. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import JOIN, Case, fn

from sync_server.db.models import Answer, Response
from sync_server.i18n import N_
from sync_server.reports import queries
from sync_server.reports.exports import EXCLUDED_NOTE, Table, period_note
from sync_server.reports.figures import fmt_pct
from sync_server.roster.names import officer_names


@dataclass
class Cell:
    responses: int = 0
    answers: int = 0
    satisfied: int = 0  # answers scoring 4 or 5

    def add(self, other: Cell) -> None:
        self.responses += other.responses
        self.answers += other.answers
        self.satisfied += other.satisfied

    def pct(self) -> float | None:
        return 100.0 * self.satisfied / self.answers if self.answers else None


def count(start: date, end: date, point: str | None = None) -> dict[str, dict[bool, Cell]]:
    """officer code ("" = none) -> {assisted: Cell, not assisted: Cell} (at one reception point
    when `point` is given)."""
    answers = (Answer.select(Answer.response, fn.COUNT(Answer.id).alias("n"),
                             fn.SUM(Case(None, [(Answer.score >= 4, 1)], 0)).alias("ok"))
               .group_by(Answer.response))
    rows = (Response.select(Response.officer, Response.assisted, fn.COUNT(Response.id),
                            fn.SUM(fn.COALESCE(answers.c.n, 0)), fn.SUM(fn.COALESCE(answers.c.ok, 0)))
            .join(answers, JOIN.LEFT_OUTER, on=(answers.c.response_id == Response.id))
            .where((Response.local_date >= start) & (Response.local_date <= end) & ~Response.excluded)
            .group_by(Response.officer, Response.assisted))
    if point is not None:
        rows = rows.where(queries.at_point(Response, point, None))
    out: dict[str, dict[bool, Cell]] = {}
    for officer, assisted, responses, n, ok in rows.tuples():
        cells = out.setdefault(officer or "", {True: Cell(), False: Cell()})
        cells[bool(assisted)].add(Cell(responses, int(n or 0), int(ok or 0)))
    return out


def table(counts: dict[str, dict[bool, Cell]], period_label: str) -> Table:
    names = officer_names()
    rows: list[list[object]] = []
    total = {True: Cell(), False: Cell()}
    for code in sorted(counts, key=lambda c: (c == "", names.get(c, c))):
        cells = counts[code]
        rows.append([names.get(code, code) if code else N_("(không rõ cán bộ)"), *_cells(cells)])
        for k in (True, False):
            total[k].add(cells[k])
    rows.append([N_("Tổng cộng"), *_cells(total)])
    notes = [period_note(period_label),
             N_("Có cán bộ giúp: phiếu được đánh dấu khi cán bộ giúp người dân đánh giá (Nghị định "
                "118/2025/NĐ-CP, Điều 31 khoản 3): phím hoặc nút riêng của cán bộ ở ki-ốt, ô đánh dấu "
                "trên trang QR."),
             N_("Tỷ lệ: số câu trả lời mức 4–5 trên số câu trả lời theo mức 1–5."),
             EXCLUDED_NOTE]
    headers = [N_("Cán bộ"), N_("Phiếu có cán bộ giúp"), N_("Tỷ lệ hài lòng (có cán bộ giúp)"),
               N_("Phiếu tự đánh giá"), N_("Tỷ lệ hài lòng (tự đánh giá)")]
    return Table(N_("Phiếu có cán bộ giúp đánh giá"), notes, headers, rows)


def _cells(cells: dict[bool, Cell]) -> list[object]:
    helped, alone = cells[True], cells[False]
    return [helped.responses, fmt_pct(helped.pct()), alone.responses, fmt_pct(alone.pct())]
