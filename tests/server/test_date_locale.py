"""Dates follow the reader's language as numbers do (sync_server.i18n.day, Babel): a page in
Vietnamese says "01/12/2026", the same page in English "1 Dec 2026" — the period under a report's
title, the officers' sheet, the charts' axis, the dashboard, the board and the poster, the times
on the kiosk pages. What an office signs (the DOCX) and the CSV stay Vietnamese whoever downloads
them. SQLite only: the database does not matter here."""

from __future__ import annotations

import calendar
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from flask import render_template_string

from sync_server.app import create_app
from sync_server.i18n import N_, Day, Msg, day, localized
from tests.support.web import add_user, client_as

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

VI_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b|\b\d{2}/\d{4}\b")  # "04/12/2026", "12/2026"
PAGES = ("/", "/reports?period=month&by=officer", "/reports?period=year&by=procedure", "/reports/officers",
         "/board", "/board/poster", "/kiosks")


def test_one_helper_writes_a_date_for_each_reader(cfg):
    d = date(2026, 12, 4)
    assert (day(d, "vi"), day(d, "en")) == ("04/12/2026", "4 Dec 2026")
    assert (day(d, "vi", "month"), day(d, "en", "month")) == ("12/2026", "Dec 2026")
    assert (day(d, "vi", "monthname"), day(d, "en", "monthname")) == ("12/2026", "December 2026")
    assert (day(d, "vi", "daymonth"), day(d, "en", "daymonth")) == ("04/12", "4 Dec")
    span = Day(date(2026, 12, 1), d)
    assert span == "01/12/2026 – 04/12/2026" and span.localized("en") == "1 Dec 2026 – 4 Dec 2026"
    assert Day(d, d) == "04/12/2026" and localized(Day(d, d), "en") == "4 Dec 2026"
    months = Day(date(2026, 1, 1), date(2026, 2, 1), kind="month", sep=", ")
    assert months == "01/2026, 02/2026" and months.localized("en") == "Jan 2026, Feb 2026"


def test_a_message_and_a_time_made_for_the_reader(app):
    msg = Msg(N_("Thời gian: %(period)s."), period=Day(date(2026, 12, 1), date(2026, 12, 31)))
    when = datetime(2026, 12, 4, 7, 5)  # UTC: 14:05 in Hà Nội
    for lang, expected in (("vi", "Thời gian: 01/12/2026 – 31/12/2026. 14:05 04/12/2026 04/12/2026"),
                           ("en", "Period: 1 Dec 2026 – 31 Dec 2026. 4 Dec 2026, 14:05 4 Dec 2026")):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            page = render_template_string("{{ m|tr }} {{ t|localtime }} {{ d|day }}", m=msg, t=when,
                                          d=date(2026, 12, 4))
            assert page == expected, page


def text_of(html: str) -> str:
    """What a reader sees: no attributes (a form's ISO dates), no charts' markup."""
    return re.sub(r"<[^>]*>", " ", html)


def test_english_pages_write_english_dates_and_the_files_stay_vietnamese(month):
    cfg, today = month
    add_user("staff", "staff")
    staff = client_as(create_app(cfg), "staff")
    first = today.replace(day=1)
    vi_period = f"{first:%d/%m/%Y} – "
    en_period = f"{first.day} {first:%b} {first.year} – "
    report = PAGES[1]
    assert vi_period in staff.get(report).get_data(as_text=True)
    docx_vi = staff.get(report + "&fmt=docx").get_data()
    csv_vi = staff.get(report + "&fmt=csv").get_data()

    staff.get("/?lang=en")
    for url in PAGES:
        seen = VI_DATE.findall(text_of(staff.get(url).get_data(as_text=True)))
        assert not seen, (url, seen)
    html = staff.get(report).get_data(as_text=True)
    assert en_period in html and f">{today.day} {today:%b}<" in html  # the period; the chart's axis
    sheet = staff.get("/reports/officers").get_data(as_text=True)  # this month, to its last day
    last = calendar.monthrange(today.year, today.month)[1]
    assert f"From 1 {first:%b} {first.year} to {last} {first:%b} {first.year}" in sheet
    assert f"month {today:%B} {today.year}</h1>" in sheet
    poster = staff.get(f"/board/poster?month={today:%Y-%m}").get_data(as_text=True)  # the month so far
    assert f"From {first.day} {first:%b} {first.year} to {today.day} {today:%b} {today.year}" in poster
    before = first - timedelta(days=1)  # a whole month: its name
    assert f"<h2>{before:%B} {before.year}</h2>" in staff.get(f"/board/poster?month={before:%Y-%m}").get_data(
        as_text=True)

    docx_en = staff.get(report + "&fmt=docx").get_data()  # the signed paper: Vietnamese
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(docx_en)).paragraphs)
    assert vi_period in paragraphs and en_period not in paragraphs
    assert paragraphs == "\n".join(p.text for p in Document(io.BytesIO(docx_vi)).paragraphs)
    rows = list(csv.reader(io.StringIO(staff.get(report + "&fmt=csv").get_data().decode("utf-8-sig"))))
    assert staff.get(report + "&fmt=csv").get_data() == csv_vi
    assert any(vi_period in cell for row in rows for cell in row)

    staff.get("/?lang=vi")
    assert vi_period in staff.get(report).get_data(as_text=True)
