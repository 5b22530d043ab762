"""The unit as it is since NĐ 118/2025 (issue 14): its kind, legal name, the People's Committee
above it, the province and codes, edited on /roster, stored (migration 13), driving the page
titles, the QR posters, the kiosks' roster and the letterhead of the signed reports. No district
is ever printed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from kiosk.shared.configfile import ConfigError
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database
from sync_server.db.migrations import migrations
from sync_server.db.models import AuditLog, Unit
from sync_server.ops import demo_data
from sync_server.roster.build import build_roster, current_version
from tests.support.web import add_user, csrf_token, login, page

CENTRE = {"kind": "xa", "place": "Đại Lãnh", "name": "", "superior": "", "province": "Khánh Hòa",
          "province_code": "56", "commune_code": "22345", "address": "Thôn Tây Bắc, xã Đại Lãnh",
          "signer_title": ""}


@pytest.fixture
def site(make_config):
    cfg = make_config([("quay-1", "http://127.0.0.1:9", "k" * 24)])
    app = create_app(cfg)
    add_user("admin", "admin")
    admin = app.test_client()
    login(admin, "admin")
    return cfg, app, admin


def post_unit(client, data: dict) -> str:
    token = csrf_token(page(client, "/roster"))
    r = client.post("/roster/unit", data={"csrf_token": token, **data})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return page(client, "/roster")


def docx_text(client) -> str:
    r = client.get("/reports/officers?month=2026-06&fmt=docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.get_data()))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_a_commune_centre_is_named_by_its_kind_and_place_and_drives_every_title(site):
    cfg, _app, admin = site
    html = post_unit(admin, CENTRE)
    unit = Unit.get()
    # Blank legal name and superior: filled in from the kind and the commune (NĐ 118 Điều 7.3).
    assert (unit.kind, unit.name, unit.superior, unit.province) == (
        "xa", "Trung tâm Phục vụ hành chính công xã Đại Lãnh", "UBND xã Đại Lãnh", "Khánh Hòa")
    assert (unit.province_code, unit.commune_code, unit.signer_title) == ("56", "22345", "Giám đốc")
    assert "<title>Danh mục — Trung tâm Phục vụ hành chính công xã Đại Lãnh</title>" in html
    assert build_roster("quay-1", cfg)["unit"] == {"name": "Trung tâm Phục vụ hành chính công xã Đại Lãnh"}
    assert current_version() == 1
    audit = AuditLog.get(AuditLog.action == "unit.save")
    assert audit.target == unit.name and '"superior": "UBND xã Đại Lãnh"' in audit.detail

    text = docx_text(admin)
    assert "UBND XÃ ĐẠI LÃNH" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ ĐẠI LÃNH" in text
    assert re.search(r"Đại Lãnh, ngày \d\d tháng \d\d năm \d{4}", text)
    assert "/BC-TTPVHCC" in text and "GIÁM ĐỐC" in text
    assert "HUYỆN" not in text.upper() and "CHỦ TỊCH" not in text

    # A ward's centre typed in full keeps what the admin typed.
    post_unit(admin, {**CENTRE, "kind": "phuong", "place": "Ninh Hòa",
                      "name": "Trung tâm PVHCC phường Ninh Hòa",
                      "superior": "Ủy ban nhân dân phường Ninh Hòa", "signer_title": "Phó Giám đốc"})
    text = docx_text(admin)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG NINH HÒA" in text and "TRUNG TÂM PVHCC PHƯỜNG NINH HÒA" in text
    assert "Ninh Hòa, ngày" in text and "PHÓ GIÁM ĐỐC" in text


def test_the_qr_poster_prints_the_committee_and_the_centre(site):
    _cfg, _app, admin = site
    post_unit(admin, CENTRE)
    token = csrf_token(page(admin, "/roster"))
    admin.post("/roster/counters", data={"csrf_token": token, "code": "quay-1", "name": "Quầy 1",
                                         "mode": "counter"})
    html = page(admin, "/qr/poster/quay-1")
    assert '<div class="superior">UBND xã Đại Lãnh</div>' in html
    assert '<div class="unit">Trung tâm Phục vụ hành chính công xã Đại Lãnh</div>' in html


@pytest.mark.parametrize(("change", "message"), [
    ({"superior": "UBND huyện Vạn Ninh"},
     "cơ quan chủ quản: từ 01/7/2025 không còn cấp huyện, xin bỏ &#39;huyện&#39;"),
    ({"address": "Xã Đại Lãnh, HUYỆN Vạn Ninh"},
     "địa chỉ: từ 01/7/2025 không còn cấp huyện, xin bỏ &#39;HUYỆN&#39;"),
    ({"name": "Bộ phận Một cửa thị xã Ninh Hòa"}, "tên đơn vị: từ 01/7/2025 không còn cấp huyện"),
    ({"province_code": "5"}, "mã tỉnh &#39;5&#39;: gồm đúng 2 chữ số"),
    ({"commune_code": "22-345"}, "mã xã &#39;22-345&#39;: gồm đúng 5 chữ số"),
    ({"kind": "huyen"}, "loại đơn vị &#39;huyen&#39; không hợp lệ"),
    ({"place": "", "name": ""}, "tên đơn vị: không được để trống"),
    ({"province": "x" * 201}, "tỉnh, thành phố: dài quá 200 ký tự"),
])
def test_a_bad_unit_names_the_field_and_changes_nothing(site, change, message):
    _cfg, _app, admin = site
    html = post_unit(admin, {**CENTRE, **change})
    assert message in html
    assert not Unit.select().exists() and current_version() == 0


def test_the_english_page_says_the_error_in_english(site):
    _cfg, _app, admin = site
    token = csrf_token(page(admin, "/roster"))
    admin.post("/roster/unit?lang=en",
               data={"csrf_token": token, **CENTRE, "superior": "UBND huyện Vạn Ninh"})
    html = page(admin, "/roster?lang=en")
    assert "governing body: there is no district level since 1 July 2025, remove &#39;huyện&#39;" in html
    assert "Unit type" in html


def test_server_toml_may_not_name_a_district(tmp_path):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n'
                    '[unit]\nname = "x"\nsuperior = "UBND HUYỆN VẠN NINH"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unit\.superior.*no district level since 1 July 2025"):
        server_config.load(path)


def test_the_demo_is_a_2026_commune_centre(site):
    cfg, _app, admin = site
    demo_data.seed(cfg)
    demo_data.seed(cfg)  # again: the same unit, no second row
    assert Unit.select().count() == 1
    unit = Unit.get()
    assert (unit.kind, unit.name, unit.superior, unit.province) == (
        "xa", "Trung tâm Phục vụ hành chính công xã Đại Lãnh", "UBND xã Đại Lãnh", "Khánh Hòa")
    html = page(admin, "/") + page(admin, "/roster/officers") + page(admin, "/roster/procedures")
    assert "Trung tâm Phục vụ hành chính công xã Đại Lãnh" in html
    assert not any(w in html.lower() for w in ("huyện", "quận", "thị xã"))


def test_migration_13_keeps_an_existing_unit_and_makes_it_a_commune_centre(make_config):
    make_config()  # a database at the newest version; take unit back to its shape before 13
    with database.connection_context():
        database.execute_sql('DROP TABLE "unit"')
        database.execute_sql('CREATE TABLE "unit" ("id" INTEGER PRIMARY KEY, "name" VARCHAR(255) NOT NULL, '
                             '"address" TEXT NOT NULL DEFAULT \'\')')
        database.execute_sql('INSERT INTO "unit" ("id", "name", "address") '
                             "VALUES (1, 'UBND xã Đại Lãnh', '')")
        thirteen = next(m for m in migrations() if m.version == 13)
        thirteen.up(database)
        unit = Unit.get()
    assert (unit.name, unit.kind, unit.place, unit.superior, unit.signer_title) == (
        "UBND xã Đại Lãnh", "xa", "", "", "Giám đốc")


def test_the_unit_form_and_the_poster_in_chromium(tmp_path, backend, browser_page):
    """The demo's 2026 centre on /roster, edited in the form as an admin would, then its poster."""
    from tests.support.browser import screenshot
    from tests.support.office import PASSWORD, office_server
    from tests.support.serving import browser_login, serving

    port, args = office_server(tmp_path, {"quay-1": "http://127.0.0.1:9"}, 3600, database_url=backend)
    with serving(Path(args[1]), port) as base:
        p = browser_page
        browser_login(p, base, "admin", PASSWORD)
        p.goto(base + "/roster")
        assert p.title() == "Danh mục — Trung tâm Phục vụ hành chính công xã Đại Lãnh"
        assert p.input_value("#unit-superior") == "UBND xã Đại Lãnh"
        screenshot(p, "unit-roster-demo")
        p.select_option("#unit-kind", "phuong")
        p.fill("#unit-place", "Ninh Hòa")
        p.fill("#unit-name", "")
        p.fill("#unit-superior", "")
        p.fill("#unit-province-code", "56")
        p.click("#unit-form button[type=submit]")
        p.wait_for_url(base + "/roster")
        assert p.title() == "Danh mục — Trung tâm Phục vụ hành chính công phường Ninh Hòa"
        assert p.input_value("#unit-superior") == "UBND phường Ninh Hòa"
        p.goto(base + "/roster?lang=en")
        assert p.locator("label[for=unit-kind]").inner_text() == "Unit type"
        screenshot(p, "unit-roster-en")
        p.goto(base + "/qr/poster/quay-1")
        assert p.locator(".superior").inner_text().upper() == "UBND PHƯỜNG NINH HÒA"
        screenshot(p, "unit-poster")
