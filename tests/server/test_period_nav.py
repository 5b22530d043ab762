"""A report's period page links to the period before and after it (‹ Kỳ trước · Kỳ sau ›), its
other choices kept: on the first days of a month the month before — the one staff report on —
is one click away. No link to a period that has not begun."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from sync_server.reports.overview import local_today
from sync_server.reports.period_form import Period, neighbour
from tests.support.web import page, staff_client


@pytest.mark.parametrize("kind, start, end, before, after", [
    ("month", date(2026, 12, 1), date(2026, 12, 31), {"date": "2026-11-30"}, {"date": "2027-01-01"}),
    ("quarter", date(2026, 10, 1), date(2026, 12, 31), {"date": "2026-09-30"}, {"date": "2027-01-01"}),
    ("week", date(2026, 11, 27), date(2026, 12, 3), {"date": "2026-11-26"}, {"date": "2026-12-04"}),
    ("day", date(2026, 3, 1), date(2026, 3, 1), {"date": "2026-02-28"}, {"date": "2026-03-02"}),
    ("custom", date(2026, 11, 20), date(2026, 11, 29), {"start": "2026-11-10", "end": "2026-11-19"},
     {"start": "2026-11-30", "end": "2026-12-09"}),
])
def test_the_neighbouring_periods(kind, start, end, before, after):
    args = {"period": kind, "by": "officer", "point": "van-tho", "fmt": "csv", "date": "x", "start": "y",
            "end": "z"}
    for step, want in ((-1, before), (1, after)):
        got = neighbour(Period(kind, start, end), step, args)
        assert got == {"period": kind, "by": "officer", "point": "van-tho", **want}


def links(html: str) -> dict[str, dict[str, list[str]]]:
    return {rel: parse_qs(urlsplit(htmllib.unescape(href)).query)
            for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)">', html)}


def test_the_report_page_links_to_the_month_before_and_after(cfg):
    staff = staff_client(cfg)
    got = links(page(staff, "/reports?period=month&date=2026-11-15&by=procedure&def=three_level"))
    kept = {"by": ["procedure"], "def": ["three_level"]}
    assert got["prev"] == {"period": ["month"], "date": ["2026-10-31"], **kept}
    assert got["next"] == {"period": ["month"], "date": ["2026-12-01"], **kept}
    now = links(page(staff, f"/reports?period=month&date={local_today(cfg.tz).isoformat()}"))
    assert set(now) == {"prev"}  # next month has not begun
    english = page(staff, "/reports?period=month&date=2026-11-15&lang=en")
    assert "‹ Previous period" in english and "Next period ›" in english
