"""The yearly report's staff-written rows per reception point (seed 004 Appendix 2): a point's report
keeps its own text, a row it leaves empty reads the centre's (shown in the box as the
placeholder), and its CSV and DOCX carry what it says; the centre's text is untouched by it.
Migration 23 moves the centre's texts from the settings into `yearly_text`, kept as they were.
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from docx import Document

from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database, init_db
from sync_server.db.migrations import LATEST, current_version, migrate, migrations
from sync_server.db.models import AuditLog, Setting, YearlyText
from sync_server.ops import demo_data
from sync_server.reports import yearly
from tests.support.browser import screenshot
from tests.support.docx_pdf import NEEDS_OFFICE, render
from tests.support.server import free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user, client_as, csrf_token, page

YEAR = 2026
URL = f"/reports/year?year={YEAR}"
CENTRE = {"unit": "Có: Kế hoạch số 12/KH-TTPVHCC", "cycle": "06 tháng", "difficulties": "Thiếu máy in"}
VAN_THO = {"unit": "Có: Kế hoạch số 5/KH-VT của điểm Vạn Thọ", "cycle": "", "difficulties": ""}


@pytest.fixture
def staff(make_config):
    """The demo centre: two points, "chinh" and "van-tho" (no ratings needed: the rows are text)."""
    cfg = make_config()
    demo_data.seed(cfg)
    add_user("staff", "staff")
    return client_as(create_app(cfg), "staff")


def save(client, data: dict, point: str = "") -> int:
    token = csrf_token(page(client, URL))
    form = {"csrf_token": token, "year": str(YEAR), **data} | ({"point": point} if point else {})
    return client.post("/reports/year", data=form).status_code


def rows(client, point: str = "") -> dict[str, str]:
    """{first cell: last cell} of the CSV's rows (a row of the table: its number, its text)."""
    r = client.get(f"{URL}&point={point}&fmt=csv")
    assert r.status_code == 200
    return {row[0]: row[-1] for row in csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))) if row}


def test_a_point_keeps_its_own_text_and_reads_the_centres_where_it_wrote_none(staff):
    assert save(staff, CENTRE) == 302
    html = page(staff, URL + "&point=van-tho")
    # Nothing of its own yet: the boxes are empty, the centre's text shown in them as the placeholder.
    assert f'placeholder="{CENTRE["unit"]}" aria-label="Đơn vị triển khai khảo sát"></textarea>' in html
    assert 'id="point-text-note"' in html and 'id="point-text-note"' not in page(staff, URL)
    assert rows(staff, "van-tho")["1"] == CENTRE["unit"]  # the file reads the centre's meanwhile
    assert save(staff, VAN_THO, "van-tho") == 302
    html = page(staff, URL + "&point=van-tho")
    assert f'aria-label="Đơn vị triển khai khảo sát">{VAN_THO["unit"]}</textarea>' in html
    at_van_tho, centre, main = rows(staff, "van-tho"), rows(staff), rows(staff, "chinh")
    assert at_van_tho["1"] == VAN_THO["unit"] and at_van_tho["4"] == CENTRE["cycle"]  # an empty row: centre's
    assert CENTRE["difficulties"] in at_van_tho  # the section after the table: the centre's too
    assert centre["1"] == CENTRE["unit"] and main["1"] == CENTRE["unit"]  # another point: the centre's
    assert yearly.staff_text(YEAR) == CENTRE | {k: "" for k in yearly.EDITABLE if k not in CENTRE}
    audit = AuditLog.select().where(AuditLog.action == "yearly_report.edit").order_by(AuditLog.id)
    assert [a.target for a in audit] == [f"yearly-report:{YEAR}", f"yearly-report:{YEAR}:van-tho"]

    def docx_text(point: str) -> str:
        doc = Document(io.BytesIO(staff.get(f"{URL}&point={point}&fmt=docx").data))
        return "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for row in t.rows for c in row.cells])

    assert VAN_THO["unit"] in docx_text("van-tho") and CENTRE["unit"] not in docx_text("van-tho")
    assert CENTRE["unit"] in docx_text("") and VAN_THO["unit"] not in docx_text("")


def test_a_text_for_a_point_that_does_not_exist_is_refused(staff):
    assert save(staff, VAN_THO, "khong-co") == 400
    assert YearlyText.select().count() == 0


def _at_version_22(backend: str, tmp_path) -> None:
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [], database_url=backend), encoding="utf-8")
    cfg = server_config.load(path)
    init_db(cfg, create=False)
    db = database.obj
    current_version(db)
    for m in migrations()[:22]:
        with db.atomic():
            m.apply(db, cfg.tz)
            db.execute_sql('INSERT INTO "schema_version" ("version", "name", "applied_at") VALUES '
                           f'({m.version}, \'{m.name}\', \'{datetime.now(UTC).isoformat()}\')')


def test_migration_23_keeps_the_centres_texts(tmp_path, backend):
    _at_version_22(backend, tmp_path)
    kept = {"yearly-report:2025": json.dumps({"unit": "Có: Kế hoạch 2025"}, ensure_ascii=False),
            "yearly-report:2026": json.dumps(CENTRE, ensure_ascii=False),
            "yearly-report:x": "{}", "roster_version": "7"}  # not a year's text: left alone
    mark = database.obj.param
    for key, value in kept.items():
        database.execute_sql(f'INSERT INTO "setting" ("key", "value") VALUES ({mark}, {mark})', (key, value))
    try:
        assert migrate(database.obj) == list(range(23, LATEST + 1))
        with database.connection_context():
            assert yearly.staff_text(2025) == {"unit": "Có: Kế hoạch 2025"}
            assert yearly.staff_text(2026) == CENTRE
            assert yearly.staff_text(2026, "van-tho") == {}
            held = YearlyText.select(YearlyText.year, YearlyText.point).tuples()
            assert sorted(held) == [(2025, ""), (2026, "")]
            left = {s.key for s in Setting.select()}
            assert {"roster_version", "yearly-report:x"} <= left and not any(
                k.startswith("yearly-report:20") for k in left)
    finally:
        database.close()


@NEEDS_OFFICE
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_points_docx_carries_its_text_in_libreoffice(staff, tmp_path):
    save(staff, CENTRE)
    save(staff, VAN_THO, "van-tho")
    _data, pages, sizes = render(staff, f"{URL}&point=van-tho&fmt=docx", "yearly-van-tho", tmp_path)
    text = " ".join(" ".join(pages).split())
    assert "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ" in text and all(w < h for w, h in sizes)
    assert VAN_THO["unit"] in text and CENTRE["unit"] not in text
    assert CENTRE["cycle"] in text and CENTRE["difficulties"] in text  # rows it left empty: the centre's


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_point_writes_its_rows_in_chromium(make_config, tmp_path, browser_page):
    """Against a real serve process: the centre's text shows in the point's empty boxes, the
    point's own is saved and printed; screenshots yearly-point-*.png (vi, en; 1280, 360)."""
    cfg = make_config()
    demo_data.seed(cfg)
    add_user("staff", "staff")
    yearly.save_text(YEAR, CENTRE, "staff")
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(tmp_path / "server-data", [], port=port), encoding="utf-8")
    with serving(path, port) as base:
        p = browser_page
        browser_login(p, base, "staff", PASSWORD)
        p.goto(f"{base}{URL}&point=van-tho")
        box = p.locator('textarea[name="unit"]')
        assert box.input_value() == "" and box.get_attribute("placeholder") == CENTRE["unit"]
        assert p.locator("#point-text-note").is_visible()
        screenshot(p, "yearly-point-vi-1280-before")
        box.fill(VAN_THO["unit"])
        p.click("#yearly-form button[type=submit]")
        p.wait_for_url(f"{base}{URL}&point=van-tho")
        assert p.locator('textarea[name="unit"]').input_value() == VAN_THO["unit"]
        screenshot(p, "yearly-point-vi-1280")
        p.goto(f"{base}{URL}&point=van-tho&fmt=print")
        printed = p.locator("#row-1").inner_text()
        assert VAN_THO["unit"] in printed and CENTRE["cycle"] in p.locator("#row-4").inner_text()
        p.goto(f"{base}{URL}&point=van-tho&lang=en")
        assert "this reception point's own" in p.locator("#point-text-note").inner_text()
        screenshot(p, "yearly-point-en-1280")
        p.set_viewport_size({"width": 360, "height": 640})
        for lang in ("en", "vi"):
            p.goto(f"{base}{URL}&point=van-tho&lang={lang}")
            assert p.evaluate("document.documentElement.scrollWidth") <= 360
            screenshot(p, f"yearly-point-{lang}-360")
    with database.connection_context():
        assert yearly.staff_text(YEAR, "van-tho")["unit"] == VAN_THO["unit"]
        assert yearly.staff_text(YEAR)["unit"] == CENTRE["unit"]
