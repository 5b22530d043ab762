"""Numbers follow the reader's locale (sync_server.i18n.number, Babel): a page in Vietnamese says
"87,0 %", "4,33" and "1.234", the same page in English "87.0%", "4.33" and "1,234" — in the
tables, the notes, the charts' labels, the board and the overview. What an office signs and files
(the DOCX) stays Vietnamese whoever downloads it; the CSV keeps the Vietnamese text it always had
and the XLSX real numbers. The database does not matter here: SQLite only."""

from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document
from flask import render_template_string

from sync_server.app import create_app
from sync_server.i18n import N_, Figure, Msg, localized, number
from sync_server.reports.figures import fmt_count, fmt_mean, fmt_pct
from tests.support.web import add_user, client_as

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

REPORT = "/reports?period=month&by=officer"
VI_SHARE = re.compile(r"\d,\d %")  # "87,0 %"
EN_SHARE = re.compile(r"\d\.\d%")  # "87.0%"


def test_the_one_helper_writes_each_locale_its_way(cfg):
    assert number(4.5, "dec1", "vi") == "4,5" and number(4.5, "dec1", "en") == "4.5"
    assert number(1234, "count", "vi") == "1.234" and number(1234, "count", "en") == "1,234"
    assert number(92.46, "pct", "vi") == "92,5 %" and number(92.46, "pct", "en") == "92.5%"
    assert number(4.125, "mean", "vi") == "4,12"  # half-way cases as the f-strings rounded them
    share, mean, count = fmt_pct(87.04), fmt_mean(4.333), fmt_count(12345)
    assert (share, mean, count) == ("87,0 %", "4,33", "12.345")  # the Vietnamese text: files, logs
    assert [localized(x, "en") for x in (share, mean, count)] == ["87.0%", "4.33", "12,345"]
    assert localized("87,0 %", "en") == "87,0 %"  # a plain text is nobody's number
    assert Figure(2.25, "dec1", "↑ ") == "↑ 2,2" and Figure(2.25, "dec1", "↑ ").localized("en") == "↑ 2.2"


def test_a_message_made_without_a_request_writes_its_figures_for_the_reader(app):
    msg = Msg(N_("Điểm tiếp nhận: %(name)s"), name=fmt_count(1234))
    for lang, expected in (("vi", "1.234 50,0 % 1,5 KB 2,3"), ("en", "1,234 50.0% 1.5 KB 2.3")):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            page = render_template_string("{{ m|tr }} {{ n }} {{ 1536|size }} {{ 2.26|num('dec1') }}",
                                          m=msg, n=fmt_pct(50.0))
            assert page.endswith(expected), page


def totals_from_csv(staff) -> tuple[str, str]:
    """The Vietnamese share and mean of the table's total row, as the CSV writes them."""
    rows = list(csv.reader(io.StringIO(staff.get(REPORT + "&fmt=csv").get_data().decode("utf-8-sig"))))
    head = next(i for i, r in enumerate(rows) if "Tỷ lệ hài lòng" in r)
    total = next(r for r in rows[head + 1:] if r and r[0] == "Tổng cộng")
    share = total[rows[head].index("Tỷ lệ hài lòng")].rstrip(" ▼")
    return share, total[rows[head].index("Điểm trung bình")]


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_pages_in_english_write_english_numbers_and_the_docx_stays_vietnamese(month):
    cfg, _today = month
    add_user("staff", "staff")
    staff = client_as(create_app(cfg), "staff")
    share, mean = totals_from_csv(staff)
    assert re.fullmatch(r"\d+,\d %", share) and re.fullmatch(r"\d,\d\d", mean), (share, mean)
    en_share, en_mean = share.replace(",", ".").replace(" %", "%"), mean.replace(",", ".")

    vi = staff.get(REPORT + "&lang=vi").get_data(as_text=True)
    assert share in vi and mean in vi
    assert EN_SHARE.search(vi) is None
    assert re.search(r">\d+,\d%", vi), "a chart label in Vietnamese"
    docx_vi = docx_text(staff.get(REPORT + "&fmt=docx").get_data())

    en = staff.get(REPORT + "&lang=en").get_data(as_text=True)
    assert en_share in en and en_mean in en, (en_share, en_mean)
    assert VI_SHARE.search(en) is None and re.search(r"\d,\d\d<", en) is None
    assert re.search(r">\d+,\d%", en) is None and re.search(r">\d+\.\d%", en), "the charts' labels"
    assert "Target: 90.0%" in en  # a note made without a request (figures.target_note)

    # The signed paper is Vietnamese whoever downloads it.
    docx_en = docx_text(staff.get(REPORT + "&fmt=docx").get_data())
    assert docx_en == docx_vi and share in docx_en and mean in docx_en and en_share not in docx_en

    for url in ("/", "/board"):
        page = staff.get(url).get_data(as_text=True)
        assert VI_SHARE.search(page) is None and EN_SHARE.search(page), url
    rule = staff.get("/service-alerts").get_data(as_text=True)  # the rule's share: no space in English
    assert "≥ 50% of answers" in rule and "50 %" not in rule
    staff.get("/?lang=vi")
    for url in ("/", "/board"):
        page = staff.get(url).get_data(as_text=True)
        assert EN_SHARE.search(page) is None and VI_SHARE.search(page), url


def test_an_error_names_its_limit_in_the_readers_numbers(cfg):
    """A count out of range in the province's overdue file (reports.overdue): the limit the message
    names is a Figure, written for the reader."""
    add_user("staff", "staff")
    staff = client_as(create_app(cfg), "staff")
    csv_file = b"thang,ho_so_da_giai_quyet,ho_so_qua_han\n2026-11,200,99999999\n"
    for lang, limit in (("en", "10,000,000"), ("vi", "10.000.000")):
        page = staff.get(f"/reports/overdue?lang={lang}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        bad = staff.post("/reports/overdue", content_type="multipart/form-data", data={
            "csrf_token": token,
            "file": (io.BytesIO(csv_file), "t.csv")})
        assert bad.status_code == 400
        assert limit in bad.get_data(as_text=True), lang
