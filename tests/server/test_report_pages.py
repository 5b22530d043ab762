"""The report pages: roles, figures on screen and in CSV / XLSX / DOCX read back, exclusion
through the form, clear errors for bad parameters, escaping; and the page in headless Chromium
against a real `hailong-server serve` process."""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date

import pytest
import requests
from docx import Document
from openpyxl import load_workbook

from sync_server.app import create_app
from sync_server.db import database, write_transaction
from sync_server.db.models import AuditLog, Counter, Officer, Procedure, Response
from sync_server.reports import officers
from sync_server.reports import queries as reports
from tests.support.responses import generated, store_chain
from tests.support.server import free_port, hailong, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import add_user, client_as, csrf_token, page

EVIL = '<script>alert("x")</script> Lê'
FORMULA = '=HYPERLINK("http://evil.example/","bấm")'
YEAR = "period=year&date=2026-06-01"
MIN_VISITS = 8  # June's data has one officer above it and two below


def seed(cfg, n: int = 600) -> None:
    with write_transaction():
        Officer.create(code="nv-lan", name="Nguyễn Thị Lan")
        Officer.create(code="nv-hung", name=EVIL)
        Officer.create(code="nv-minh", name=FORMULA)
        Procedure.create(code="1.001193", name="Đăng ký khai sinh", field="tu-phap")
    store_chain(generated(n, "quay-1", "touch", random.Random(7)), "quay-1", cfg)


@pytest.fixture
def scene(make_config):
    cfg = make_config(extra=f"[reports]\nmin_visits = {MIN_VISITS}\n")
    seed(cfg)
    app = create_app(cfg)
    add_user("admin", "admin")
    add_user("staff", "staff")
    add_user("viewer", "viewer")
    return cfg, app


def year_total() -> reports.Cell:
    return reports.total(reports.Filters(date(2026, 1, 1), date(2026, 12, 31)))


def officer_total(start: date = date(2026, 1, 1), end: date = date(2026, 12, 31)) -> reports.Cell:
    """The officer table's total: every visit, and the visits' officer scores."""
    return officers.total(officers.officer_cells(reports.Filters(start, end)))


def test_viewer_cannot_see_reports_and_anonymous_goes_to_login(scene):
    _cfg, app = scene
    assert app.test_client().get("/reports").status_code == 302
    viewer = client_as(app, "viewer")
    for url in ("/reports", "/reports/officers", "/reports/responses"):
        assert viewer.get(url).status_code == 403, url


def test_report_page_shows_the_figures_escaped_with_charts(scene):
    _cfg, app = scene
    html = page(client_as(app, "staff"), f"/reports?{YEAR}&by=officer")
    total = officer_total()
    totals = html.split("<tfoot>")[1].split("</tfoot>")[0]
    assert (f'<td class="num">{total.responses}</td><td class="num">{total.partial}</td>'
            f'<td class="num">{total.counts.total}</td>') in totals
    assert "Nguyễn Thị Lan" in html and "<svg" in html and html.count("<svg") >= 2
    assert EVIL not in html and "&lt;script&gt;alert(" in html  # names escaped, in the table and the chart
    # The definition is said under the table, in plain words; the levels by their kiosk words.
    assert "Tỷ lệ hài lòng = số câu trả lời chọn mức 5 (Rất hài lòng) hoặc 4 (Hài lòng)" in html
    assert "SIPAS" not in html and "3869" not in html
    empty = page(client_as(app, "staff"), "/reports?period=day&date=2020-01-01")
    assert "No data" not in empty and "Chưa có đánh giá" in empty.split('id="chart-groups"')[1]
    trend = html.split('id="chart-trend"')[1]
    assert "Chỉ tiêu 90%" in trend and "100,0%" not in trend  # the target labelled, ticks without ",0"
    not_dissatisfied = page(client_as(app, "staff"), f"/reports?{YEAR}&by=procedure&def=not_dissatisfied")
    assert "Tỷ lệ từ Bình thường trở lên (mức 3–5)" in not_dissatisfied
    assert "không không" not in not_dissatisfied
    heads = not_dissatisfied.split("<thead>")[1].split("</thead>")[0]
    assert "<th>3 Bình thường</th>" in heads and "Ba mức" not in heads  # no three-level column here
    three = page(client_as(app, "staff"), f"/reports?{YEAR}&by=procedure&def=three_level")
    heads = three.split("<thead>")[1].split("</thead>")[0]
    assert "<th>Ba mức: Hài lòng (mức 4, 3)</th>" in heads and "<th>4 Hài lòng</th>" in heads


def test_names_not_codes_procedures_with_their_code_in_a_column_counters_by_name(scene):
    _cfg, app = scene
    with write_transaction():
        Counter.create(code="quay-1", name="Quầy Một cửa số 1", kiosk_id="quay-1")
    staff = client_as(app, "staff")
    html = page(staff, f"/reports?{YEAR}&by=procedure")
    heads = re.findall(r"<th>([^<]*)</th>", html.split("<thead>")[1].split("</thead>")[0])
    assert heads[:3] == ["Thủ tục", "Mã thủ tục", "Lượt đánh giá"]
    assert '<td>Đăng ký khai sinh</td><td class="num">1.001193</td>' in html
    assert "Đăng ký khai sinh (1.001193)" not in html
    kiosks = page(staff, f"/reports?{YEAR}&by=kiosk")
    assert "<td>Quầy Một cửa số 1</td>" in kiosks and "<td>quay-1</td>" not in kiosks


@pytest.mark.parametrize("query,words", [
    ("period=fortnight", "Kỳ báo cáo không hợp lệ"),
    ("period=custom&start=2026-13-01", "Ngày không hợp lệ ở ô “Từ”"),  # the box's label, not "start"
    ("period=day&date=2026-02-30", "Ngày không hợp lệ ở ô “Ngày”"),
    ("period=custom&start=2026-05-01&end=2026-04-01", "Ngày kết thúc đứng trước ngày bắt đầu"),
    ("by=shoe-size", "Cách nhóm không hợp lệ"),
    ("def=happiness", "Cách tính tỷ lệ hài lòng không hợp lệ"),
    ("fmt=exe", "Định dạng tệp không hợp lệ"),
])
def test_bad_parameters_get_a_clear_vietnamese_error(scene, query, words):
    _cfg, app = scene
    r = client_as(app, "staff").get(f"/reports?{query}")
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and words in text and "Traceback" not in text


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_period_that_cannot_be_read_keeps_the_form_with_the_error_by_its_field(scene):
    _cfg, app = scene
    staff = client_as(app, "staff")
    r = staff.get("/reports?period=custom&start=2026-05-01&end=2026-04-01&by=procedure&def=survey")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'id="period-form"' in html and "Đăng xuất" in html  # the site, its menu
    assert 'id="end-error"' in html and 'id="start-error"' not in html
    assert 'name="start" value="2026-05-01"' in html and 'name="end" value="2026-04-01"' in html
    assert '<input type="hidden" name="by" value="procedure">' in html  # the rest of the request kept
    assert '<option value="custom" selected>' in html
    bad = staff.get("/reports/topics?period=custom&start=2026-13-01").get_data(as_text=True)
    assert 'id="start-error"' in bad and 'action="/reports/topics"' in bad


def test_csv_has_a_bom_and_vietnamese_intact(scene):
    _cfg, app = scene
    r = client_as(app, "staff").get(f"/reports?{YEAR}&by=officer&fmt=csv")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(".csv")
    data = r.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    names = [row[0] for row in csv.reader(io.StringIO(text)) if row]
    assert "Nguyễn Thị Lan" in names and EVIL in names  # CSV is data: kept as typed
    assert "'" + FORMULA in names and FORMULA not in names  # never a live formula
    total_line = [line for line in text.splitlines() if line.startswith("Tổng cộng,")][0]
    total = officer_total()
    assert total_line.split(",")[2:5] == [str(total.responses), str(total.partial), str(total.counts.total)]


def test_xlsx_reads_back(scene):
    _cfg, app = scene
    r = client_as(app, "staff").get(f"/reports?{YEAR}&by=officer&fmt=xlsx")
    ws = load_workbook(io.BytesIO(r.get_data())).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[2] == "Lượt đánh giá")
    # The table ends at its total; the 766-style estimate follows it (reports.estimate).
    end = next(i for i in range(header + 1, len(rows)) if rows[i][0] == "Tổng cộng")
    names = [row[0] for row in rows[header + 1:end + 1]]
    assert "Nguyễn Thị Lan" in names and rows[end + 2][0].startswith("Ước tính kiểu Quyết định 766")
    assert "'" + FORMULA in names  # a string cell, not a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    total, want = rows[end], officer_total()
    assert total[2:5] == [want.responses, want.partial, want.counts.total]
    assert total[7:12] == list(reversed(want.counts.n))  # 5 Rất hài lòng … 1 Rất không hài lòng


def test_monthly_officer_report_docx_has_the_official_layout_and_ranking(scene):
    _cfg, app = scene
    staff = client_as(app, "staff")
    html = page(staff, "/reports/officers?month=2026-06")
    f = reports.Filters(date(2026, 6, 1), date(2026, 6, 30))
    cells = officers.officer_cells(f)
    # Ranked: officers with at least [reports] min_visits scored visits, best share first.
    ranked = sorted((-c.counts.pct("survey"), -c.counts.total, k) for k, c in cells.items()
                    if k and c.counts.total >= MIN_VISITS)
    assert ranked and any(k and c.counts.total < MIN_VISITS for k, c in cells.items())  # both kinds
    names = {"nv-lan": "Nguyễn Thị Lan", "nv-hung": "&lt;script&gt;", "nv-minh": "=HYPERLINK"}
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in first_row and names[ranked[0][2]] in first_row
    small = [names[k] for k, c in cells.items() if k and c.counts.total < MIN_VISITS]
    for row in html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>"):
        if any(name in row for name in small):
            assert '<td>ít lượt</td>' in row
    r = staff.get("/reports/officers?month=2026-06&fmt=docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.get_data()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells_text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells_text and "Độc lập - Tự do - Hạnh phúc" in cells_text
    assert "Số:" in cells_text and "ngày" in cells_text and "tháng" in cells_text
    assert "BÁO CÁO" in text and "tháng 06/2026" in text
    assert "Nơi nhận:" in cells_text and "(Ký tên, đóng dấu)" in cells_text
    grid = doc.tables[1]
    assert grid.rows[0].cells[2].text == "Lượt đánh giá"
    assert grid.rows[-1].cells[0].text == "Tổng cộng"
    assert int(grid.rows[-1].cells[2].text) == reports.total(f).responses


def test_exclusion_through_the_form_is_audited_and_changes_the_figures(scene):
    _cfg, app = scene
    staff = client_as(app, "staff")
    target = Response.select().order_by(Response.id).first()
    day = target.local_date.isoformat()
    before = year_total()
    html = page(staff, f"/reports/responses?period=custom&start={day}&end={day}")
    assert f'id="response-{target.id}"' in html
    url = f"/reports/responses/{target.id}/exclusion"
    assert staff.post(url, data={"action": "exclude", "reason": "bấm thử"}).status_code == 400  # no CSRF
    assert not Response.get_by_id(target.id).excluded
    token = csrf_token(html)
    no_reason = staff.post(url, data={"action": "exclude", "reason": " ", "csrf_token": token},
                           follow_redirects=True)
    assert "Cần ghi lý do" in no_reason.get_data(as_text=True)
    done = staff.post(url, data={"action": "exclude", "reason": "cán bộ bấm thử", "csrf_token": token,
                                 "back": f"/reports/responses?period=custom&start={day}&end={day}"})
    assert done.status_code == 302
    assert Response.get_by_id(target.id).excluded
    after = year_total()
    assert after.responses == before.responses - 1
    assert after.counts.total == before.counts.total - len(target.answers)
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (entry.action, entry.actor) == ("response.exclude", "staff") and "cán bộ bấm thử" in entry.detail
    assert Response.select().count() == 600


@pytest.mark.e2e
def test_report_page_in_chromium_against_a_real_server(tmp_path, backend, browser_page):
    from tests.support.browser import screenshot

    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [], port=port, database_url=backend), encoding="utf-8")
    from sync_server import config as server_config
    from sync_server.db import init_db

    cfg = server_config.load(config)
    init_db(cfg)
    seed(cfg, 400)
    database.close()
    password = "mật khẩu dài cho báo cáo"
    made = hailong("create-admin", "--config", str(config), "--username", "admin", "--password-stdin",
                   stdin=password + "\n")
    assert made.returncode == 0, made.stderr
    with serving(config, port) as base:
        p = browser_page
        browser_login(p, base, "admin", password)
        p.goto(f"{base}/reports?{YEAR}&by=officer")
        assert p.locator("#report-table tbody tr").count() == 4  # three officers and "(không rõ cán bộ)"
        assert p.locator("#chart-groups svg").count() == 1 and p.locator("#chart-trend svg").count() == 1
        box = p.locator("#chart-groups svg").bounding_box()
        assert box and box["width"] > 400 and box["height"] > 150
        assert p.locator("#heatmap tbody tr").count() == 7
        assert p.evaluate("window.__xss === undefined")
        screenshot(p, "reports-year-by-officer")
        p.emulate_media(media="print")
        assert p.locator("form.filters").is_hidden()
        screenshot(p, "reports-year-by-officer-print")
        p.emulate_media(media="screen")

        # The yearly report (Appendix 2): a row written by staff is saved and shown back.
        p.goto(f"{base}/reports/year?year=2026")
        assert p.locator("#yearly tbody tr").count() == 10
        assert p.locator('#yearly tr[data-source="data"]').count() == 4
        p.fill("textarea[name=unit]", "Có: Kế hoạch số 129/KH-UBND ngày 01/10/2026")
        p.click("#yearly-form button[type=submit]")
        p.wait_for_url(f"{base}/reports/year?year=2026")
        assert p.locator("textarea[name=unit]").input_value() == "Có: Kế hoạch số 129/KH-UBND ngày 01/10/2026"
        screenshot(p, "reports-yearly")
        # A quota set through the form shows its progress.
        p.goto(f"{base}/reports/quotas")
        p.select_option("#quota-form select[name=field]", "")
        p.fill("#quota-form input[name=target]", "30")
        p.click("#quota-form button[type=submit]")
        p.wait_for_url(f"{base}/reports/quotas")
        assert p.locator("#quotas tbody tr[data-state]").count() == 1
        screenshot(p, "reports-quotas")
        p.goto(base + "/")
        assert p.locator("#service-alerts").count() == 1
        screenshot(p, "dashboard")
        # The public board needs no login: a fresh browser context sees it too.
        board = p.context.browser.new_page(viewport={"width": 1280, "height": 720})
        board.goto(base + "/board")
        assert board.locator("#board-fields").count() == 1 and board.locator("nav").count() == 0
        screenshot(board, "board")
        board.close()
        r = requests.get(f"{base}/reports?{YEAR}", timeout=5, allow_redirects=False)
        assert r.status_code == 302  # without the browser's session: to the login



def test_long_names_are_shortened_on_the_bar_chart_only():
    from sync_server.reports import charts

    name = "Thủ tục đăng ký lại khai sinh có yếu tố nước ngoài cho người đã có hồ sơ, giấy tờ cá nhân"
    svg = charts.bars("Tỷ lệ hài lòng theo thủ tục", [name, "Chứng thực bản sao"], [80.0, 95.0], 90.0)
    assert name not in svg and name[:30] in svg and "…" in svg and "Chứng thực bản sao" in svg
    assert "▼: dưới chỉ tiêu 90%" in svg


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_wide_table_prints_on_landscape_pages_a_narrow_one_on_portrait(scene):
    _cfg, app = scene
    staff = client_as(app, "staff")
    wide = page(staff, f"/reports?{YEAR}&by=officer&fmt=print")
    columns = re.findall(r"<th>", wide.split('id="report-table"')[1].split("</thead>")[0])
    assert len(columns) > 8 and "@page { size: A4 landscape; }" in wide
    assert 'class="top noprint"' in wide  # and without the site's header and menu
    narrow = page(staff, "/reports/year?year=2026&fmt=print")
    assert "size: A4 landscape" not in narrow


@pytest.mark.parametrize("values", [[100.0, 83.3, 81.8, 66.7, 81.8, 93.3], [77.8] * 31])
def test_every_value_on_the_trend_chart_is_drawn_whole(browser_page, values):
    """R12 of the field test: the last point's value was cut at the chart's right edge ("93,").
    Chromium lays the SVG out; every printed value's box must lie inside the drawing."""
    from sync_server.reports import charts

    labels = [f"{d:02d}/12" for d in range(1, len(values) + 1)]
    svg = charts.trend("Tỷ lệ hài lòng theo ngày", labels, values, 90.0)
    browser_page.set_content(f"<body style='margin:0'>{svg}</body>")
    boxes = browser_page.evaluate("""() => {
        const svg = document.querySelector('svg'), outer = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text.value')].filter(t => t.textContent).map(t => {
            const b = t.getBoundingClientRect();
            return [t.textContent, b.left - outer.left, b.right - outer.left, outer.width]; });
    }""")
    assert boxes and any(text.startswith(f"{values[-1]:.1f}".replace(".", ",")) for text, *_ in boxes)
    for text, left, right, width in boxes:
        assert 0 <= left and right <= width, (text, left, right, width)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_list_of_responses_names_what_it_shows(scene):
    """A6 of the field test: the list showed nv-lan, 1.001193, touch, quay-1 and q1=4. Now the
    officer, procedure and counter by name, the channel in words, answers by question number."""
    _cfg, app = scene
    with write_transaction():
        Counter.create(code="quay-a", name="Quầy Một cửa số 1", kiosk_id="quay-1")
    html = page(client_as(app, "staff"), f"/reports/responses?{YEAR}")
    table = html.split('id="responses"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, flags=re.S)
    assert cells, table[:500]
    for code in ("quay-1", "nv-lan", "1.001193", "touch", "overall", "tieu-chi-5"):
        assert code not in cells, code
    assert not re.search(r"\b(q1|c\d)=", table)
    for words in ("Quầy Một cửa số 1", "Nguyễn Thị Lan", "Đăng ký khai sinh", "Màn hình cảm ứng", "Câu 1: "):
        assert words in table, words
    english = page(client_as(app, "staff"), f"/reports/responses?{YEAR}&lang=en")
    assert "Touch screen" in english and "Q1: " in english


def test_an_empty_chart_says_so_in_ordinary_type():
    """R12 of the field test: with no data the chart printed its message in huge type over the
    grid (64 px: pygal's style, not the config, sets it). Now the title and the message as text
    in the page's type (an SVG would shrink it to 6 px on a phone), and no empty grid."""
    from sync_server.reports import charts

    empty = (charts.bars("Tỷ lệ hài lòng theo cán bộ", [], [], 90.0), charts.trend("Theo ngày", [], [], 90.0))
    for svg in empty:
        assert '<p class="no_data muted">Chưa có đánh giá</p>' in svg, svg[:300]
        assert "<svg" not in svg and "font-size" not in svg
        assert "guide" not in svg  # no empty grid under the message


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("by", ["officer", "procedure", "question"])
def test_the_print_view_says_the_period_once(scene, by):
    """R3 of the field test (the printed body repeats itself): in print the notes come before the
    table and already say the period; the page's own "Thời gian:" line printed it a second time."""
    _cfg, app = scene
    staff = client_as(app, "staff")
    printed = page(staff, f"/reports?{YEAR}&by={by}&fmt=print")
    assert printed.count("01/01/2026 – 31/12/2026") == 1, by
    assert page(staff, f"/reports?{YEAR}&by={by}").count("01/01/2026 – 31/12/2026") >= 1  # on screen too


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_dossier_page_names_a_bad_date_by_its_box(scene):
    """The same sentence on the per-dossier page: the box "Từ", not the parameter "start"."""
    _cfg, app = scene
    r = client_as(app, "staff").get("/reports/dossiers?start=2026-13-01&end=2026-12-31")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "Ngày không hợp lệ ở ô “Từ”" in html and "“start”" not in html
