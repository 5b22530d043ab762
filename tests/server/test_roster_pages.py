"""Roster pages: every change is audited and bumps the roster version that kiosks receive;
viewers read, admins change; names are escaped; questionnaires are versioned; counters."""

from __future__ import annotations

import json

import pytest

from sync_server.db.models import AuditLog, Counter, Officer, Questionnaire
from sync_server.roster.build import build_roster, current_version
from sync_server.roster.counters import counter_officers
from tests.support.images import image, mark_photo_public, upload_photo
from tests.support.server import TOKEN
from tests.support.web import add_user, client_as, csrf_token, page


@pytest.fixture
def cfg(make_config):
    """One kiosk in server.toml, quay-1 (nothing answers there): counters are placed at it, its
    roster is built."""
    return make_config([("quay-1", "http://127.0.0.1:9", TOKEN)])


@pytest.fixture
def site(cfg, app, admin):
    add_user("viewer", "viewer")
    return cfg, app, admin


def post(client, url: str, data: dict, referer: str = "/roster"):
    token = csrf_token(page(client, referer))
    r = client.post(url, data={"csrf_token": token, **data})
    assert r.status_code == 302, (url, r.status_code, r.get_data(as_text=True)[:500])
    return r


def flashes(client, url: str) -> str:
    return page(client, url)


def test_each_change_is_audited_and_bumps_the_version(site):
    cfg, _app, admin = site
    assert current_version() == 0
    post(admin, "/roster/fields", {"code": "tu-phap", "name": "Tư pháp – Hộ tịch", "sort": "1"})
    assert current_version() == 1
    post(admin, "/roster/procedures", {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap",
                                       "active": "1"})
    assert current_version() == 2
    post(admin, "/roster/officers", {"code": "nv-lan", "name": "Nguyễn Thị Lan", "title": "Công chức",
                                     "fields": ["tu-phap"], "active": "1"})
    assert current_version() == 3
    post(admin, "/roster/counters", {"code": "quay-a", "name": "Quầy A", "kiosk_id": "quay-1",
                                     "mode": "counter", "officers": ["nv-lan"]})
    assert current_version() == 4
    post(admin, "/roster/unit", {"name": "UBND xã Đại Lãnh", "address": "Vạn Ninh, Khánh Hòa"})
    assert current_version() == 5

    roster = build_roster("quay-1", cfg)
    assert roster["unit"]["name"] == "UBND xã Đại Lãnh"
    assert roster["kiosk"] == {"mode": "counter", "officers_on_duty": ["nv-lan"], "ask_procedure": False,
                               "show_stats": False}
    assert roster["officers"] == [{"code": "nv-lan", "name": "Nguyễn Thị Lan", "title": "Công chức",
                                   "fields": ["tu-phap"], "photo": None}]
    assert roster["procedures"] == [{"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap"}]
    # The same content again is no change for the kiosks: no new version.
    post(admin, "/roster/unit", {"name": "UBND xã Đại Lãnh", "address": "Vạn Ninh, Khánh Hòa"})
    assert current_version() == 5
    # Switching the officer off takes them off duty at the counter too.
    post(admin, "/roster/officers", {"code": "nv-lan", "name": "Nguyễn Thị Lan", "fields": ["tu-phap"],
                                     "active": "0"})
    assert current_version() == 6 and build_roster("quay-1", cfg)["kiosk"]["officers_on_duty"] == []
    actions = [(a.actor, a.action, a.target) for a in AuditLog.select().order_by(AuditLog.id)
               if a.action != "login"]
    assert actions == [("admin", "field.create", "tu-phap"), ("admin", "procedure.create", "1.001193"),
                       ("admin", "officer.create", "nv-lan"), ("admin", "counter.create", "quay-a"),
                       ("admin", "unit.save", "UBND xã Đại Lãnh"), ("admin", "unit.save", "UBND xã Đại Lãnh"),
                       ("admin", "officer.update", "nv-lan")]


def test_errors_name_the_field_and_change_nothing(site):
    _cfg, _app, admin = site
    post(admin, "/roster/officers", {"code": "nv-x", "name": "X", "fields": ["dia-chinh"], "active": "1"})
    assert "lĩnh vực &#39;dia-chinh&#39; không tồn tại" in page(admin, "/roster/officers")
    post(admin, "/roster/procedures", {"code": "có dấu", "name": "Y"})
    assert "mã thủ tục &#39;có dấu&#39;: chỉ gồm chữ không dấu" in page(admin, "/roster/procedures")
    post(admin, "/roster/counters", {"code": "quay-b", "name": "B", "officers": ["nv-khong-co"]})
    assert "cán bộ &#39;nv-khong-co&#39; không tồn tại" in page(admin, "/roster")
    assert not Officer.select().exists() and not Counter.select().exists() and current_version() == 0


def test_viewer_reads_but_cannot_change(site):
    _cfg, app, admin = site
    post(admin, "/roster/fields", {"code": "tu-phap", "name": "Tư pháp"})
    viewer = client_as(app, "viewer")
    for url in ("/roster", "/roster/procedures", "/roster/officers", "/roster/questionnaires"):
        html = page(viewer, url)
        assert 'action="/roster/fields"' not in html and "Tư pháp" in page(viewer, "/roster")
    token = csrf_token(page(viewer, "/roster"))
    for url, data in (("/roster/fields", {"code": "x", "name": "X"}), ("/roster/unit", {"name": "X"}),
                      ("/roster/officers", {"code": "x", "name": "X"}),
                      ("/roster/fields/tu-phap/delete", {}),
                      ("/roster/questionnaires/preset", {"preset": "phieu-8"})):
        assert viewer.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert current_version() == 1 and not Questionnaire.select().exists()


def test_a_script_in_a_name_is_shown_as_text(site):
    _cfg, _app, admin = site
    evil = '<script>alert("x")</script> Lan'
    post(admin, "/roster/officers", {"code": "nv-evil", "name": evil, "title": "<b>t</b>", "active": "1"})
    html = page(admin, "/roster/officers")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Lan" in html
    assert "<b>t</b>" not in page(admin, "/roster/officers/nv-evil")
    assert Officer.get_by_id("nv-evil").name == evil  # stored as typed, escaped when shown


def test_questionnaires_are_versioned_and_one_is_active(site):
    cfg, _app, admin = site
    post(admin, "/roster/unit", {"name": "UBND xã"})
    assert current_version() == 1
    post(admin, "/roster/questionnaires/preset", {"preset": "tieu-chi-5"}, "/roster/questionnaires")
    first = Questionnaire.get()
    assert (first.qid, first.version, first.active) == ("tieu-chi-5", 1, False)
    assert current_version() == 1  # made but not in use: no kiosk's roster changed
    post(admin, f"/roster/questionnaires/{first.id}/activate", {}, "/roster/questionnaires")
    assert current_version() == 2 and build_roster("quay-1", cfg)["questionnaire"]["id"] == "tieu-chi-5"
    html = page(admin, f"/roster/questionnaires/{first.id}")
    assert "thoi-gian | Thời gian giải quyết thủ tục so với quy định?" in html
    lines = "q1 | Anh/chị hài lòng không? | Satisfied?\nq2 | Cán bộ có lịch sự? |"
    post(admin, f"/roster/questionnaires/{first.id}", {"questions": lines, "reasons": "wait | Chờ lâu"},
         f"/roster/questionnaires/{first.id}")
    rows = list(Questionnaire.select().order_by(Questionnaire.version))
    assert [(r.version, r.active) for r in rows] == [(1, False), (2, True)]
    assert json.loads(rows[0].document)["questions"][0]["code"] == "thoi-gian"  # the old one unchanged
    sent = build_roster("quay-1", cfg)["questionnaire"]
    assert current_version() == 3 and sent["version"] == 2
    assert sent["questions"] == [  # new codes, not the preset's: about the centre until staff say
        {"code": "q1", "text": {"vi": "Anh/chị hài lòng không?", "en": "Satisfied?"}, "about": "centre"},
        {"code": "q2", "text": {"vi": "Cán bộ có lịch sự?"}, "about": "centre"}]
    # A bad line is named, and no version is made.
    post(admin, f"/roster/questionnaires/{rows[1].id}", {"questions": "q1 | A\nq1 | B"},
         f"/roster/questionnaires/{rows[1].id}")
    assert "Câu hỏi, dòng 2: mã &#39;q1&#39; bị trùng" in page(admin, f"/roster/questionnaires/{rows[1].id}")
    assert Questionnaire.select().count() == 2


def test_each_question_says_what_it_is_about(site):
    """The preset's tags travel with it; the page changes one; an untagged stored form reads its
    preset's tags; a value that is not one of the five is refused, naming the question."""
    _cfg, _app, admin = site
    post(admin, "/roster/questionnaires/preset", {"preset": "phieu-8"}, "/roster/questionnaires")
    first = Questionnaire.get()
    about = {q["code"]: q["about"] for q in json.loads(first.document)["questions"]}
    assert about["co-so-vat-chat"] == "facilities" and about["lich-su"] == "officer"
    html = page(admin, f"/roster/questionnaires/{first.id}")
    assert '<option value="facilities" selected>Cơ sở vật chất</option>' in html
    lines = "\n".join(f"{q['code']} | {q['text']['vi']}" for q in json.loads(first.document)["questions"])
    post(admin, f"/roster/questionnaires/{first.id}", {"questions": lines, "about-gop-y": "officer"},
         f"/roster/questionnaires/{first.id}")
    second = Questionnaire.select().order_by(Questionnaire.version.desc()).get()
    about2 = {q["code"]: q["about"] for q in json.loads(second.document)["questions"]}
    assert about2 == {**about, "gop-y": "officer"}
    post(admin, f"/roster/questionnaires/{second.id}", {"questions": lines, "about-gop-y": "can-bo"},
         f"/roster/questionnaires/{second.id}")
    assert "Câu hỏi &#39;gop-y&#39;: &#39;về&#39; phải là một trong" in page(
        admin, f"/roster/questionnaires/{second.id}")
    assert Questionnaire.select().count() == 2
    # A form stored before questions carried the key: the page shows the preset's tags.
    doc = json.loads(first.document)
    for q in doc["questions"]:
        del q["about"]
    Questionnaire.update(document=json.dumps(doc)).where(Questionnaire.id == first.id).execute()
    html = page(admin, f"/roster/questionnaires/{first.id}")
    assert '<option value="officer" selected>Cán bộ</option>' in html


def test_counter_officers_for_the_qr_page(site):
    _cfg, _app, admin = site
    for code, name in (("nv-lan", "Lan"), ("nv-hung", "Hùng"), ("nv-nghi", "Nghỉ")):
        post(admin, "/roster/officers", {"code": code, "name": name, "active": "1"})
    post(admin, "/roster/counters", {"code": "quay-a", "name": "Quầy A", "mode": "shared",
                                     "officers": ["nv-hung", "nv-lan", "nv-nghi"]})
    post(admin, "/roster/officers", {"code": "nv-nghi", "name": "Nghỉ", "active": "0"})
    assert [o.code for o in counter_officers("quay-a")] == ["nv-hung", "nv-lan"]
    assert counter_officers("khong-co") is None
    post(admin, "/roster/counters", {"code": "quay-b", "name": "B", "kiosk_id": "quay-1"})
    post(admin, "/roster/counters", {"code": "quay-c", "name": "C", "kiosk_id": "quay-1"})
    assert "Ki-ốt &#39;quay-1&#39; đã đặt ở quầy khác." in page(admin, "/roster")
    assert Counter.get_or_none(Counter.code == "quay-c") is None


def test_photo_upload_checks_content_resizes_and_strips_exif(site):
    import io

    from PIL import Image

    cfg, app, admin = site
    post(admin, "/roster/officers", {"code": "nv-lan", "name": "Lan", "active": "1"})
    version = current_version()
    # Not an image, whatever its name; a GIF; an image over the size limit.
    for data, name in ((b"MZ\x90\x00 not a photo", "anh.jpg"), (image("GIF", (50, 50)), "anh.png")):
        r = upload_photo(admin, "nv-lan", data, name)
        assert r.status_code == 302
        assert "Ảnh phải là JPEG, PNG hoặc WebP." in page(admin, "/roster/officers/nv-lan")
    big = upload_photo(admin, "nv-lan", b"\xff\xd8" + b"0" * (6 * 1024 * 1024), "big.jpg")
    assert big.status_code == 302 and big.headers["Location"].endswith("/roster/officers/nv-lan")
    back = page(admin, "/roster/officers/nv-lan")  # the officer's page, with the site's menu
    assert "Ảnh lớn hơn 5 MB" in back and "Đăng xuất" in back
    assert Officer.get_by_id("nv-lan").photo_file is None

    original = image("JPEG", (3000, 2000), exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the test image really has EXIF
    assert upload_photo(admin, "nv-lan", original, "x.bin").status_code == 302
    name = Officer.get_by_id("nv-lan").photo_file
    stored = (cfg.data_dir / "photos" / name).read_bytes()
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and max(img.size) == 400 and img.size == (400, 267)
    assert not img.getexif() and b"CameraMaker" not in stored
    # Not shown to the public (QR page, posters, kiosks) until an admin marks it so; staff see it.
    anonymous = app.test_client()
    assert anonymous.get("/r/photo/nv-lan").mimetype == "image/svg+xml"  # initials, not the photo
    assert anonymous.get("/roster/officers/nv-lan/photo.jpg").status_code == 302  # to the login
    assert admin.get("/roster/officers/nv-lan/photo.jpg").data == stored
    assert current_version() == version  # a photo nobody may see changes no kiosk's roster
    assert mark_photo_public(admin, "nv-lan").status_code == 302
    r = anonymous.get("/r/photo/nv-lan")
    assert r.status_code == 200 and r.mimetype == "image/jpeg" and r.data == stored
    moved = anonymous.get("/photos/nv-lan.jpg?x=1")  # the address it had before: a redirect
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/r/photo/nv-lan?x=1")
    assert current_version() == version + 1
    # A new photo replaces the old file; WebP and PNG with transparency are taken too.
    assert upload_photo(admin, "nv-lan", image("WEBP", (300, 600)), "p.webp").status_code == 302
    assert not (cfg.data_dir / "photos" / name).exists()
    assert Image.open(io.BytesIO(anonymous.get("/r/photo/nv-lan").data)).size == (200, 400)
    assert current_version() == version + 2  # the public photo changed: the kiosks get it
    assert AuditLog.select().where(AuditLog.action == "officer.photo").count() == 2
    # An officer switched off: the photo is no longer public.
    post(admin, "/roster/officers", {"code": "nv-lan", "name": "Lan", "active": "0"})
    assert anonymous.get("/r/photo/nv-lan").status_code == 404


DOCS = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "roster-import"


def send_file(client, kind: str, data: bytes, name: str):
    import io

    token = csrf_token(page(client, "/roster/import"))
    return client.post("/roster/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), name)})


def confirm(client, html: str):
    import re

    form = dict(re.findall(r'name="(csrf_token|kind|token)" value="([^"]*)"', html))
    return client.post("/roster/import/confirm", data=form)


def _fields(admin):
    post(admin, "/roster/fields", {"code": "tu-phap", "name": "Tư pháp – Hộ tịch"})
    post(admin, "/roster/fields", {"code": "chung-thuc", "name": "Chứng thực"})


def test_import_the_shipped_samples_into_the_demo_roster(site):
    """docs/roster-import/ imports cleanly into the demo roster (`seed-demo`): fields by code or by
    name, several separated by ';'."""
    from sync_server.db.models import Procedure
    from sync_server.ops import demo_data

    cfg, _app, admin = site
    demo_data.seed(cfg)
    version = current_version()
    before = {p.code: (p.field, p.active) for p in Procedure.select()}
    r = send_file(admin, "procedures", (DOCS / "thu-tuc.csv").read_bytes(), "thu-tuc.csv")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Xác nhận nhập 4 dòng" in html and "Đăng ký khai sinh" in html
    assert 'class="flash error"' not in html and "Dòng " not in html
    assert {p.code: (p.field, p.active) for p in Procedure.select()} == before  # a preview writes nothing
    assert current_version() == version
    assert confirm(admin, html).status_code == 302
    after = {p.code: (p.field, p.active) for p in Procedure.select()}
    assert {c: after[c] for c in ("1.001193", "1.000894", "2.000635", "1.004227")} == {
        "1.001193": ("tu-phap", True), "1.000894": ("tu-phap", True),
        "2.000635": ("tu-phap", True),  # written by the field's name
        "1.004227": (None, False)}
    assert current_version() == version + 1
    sent = {p["code"] for p in build_roster("quay-1", cfg)["procedures"]}
    assert "2.000635" in sent and "1.004227" not in sent  # the inactive one is not sent
    html = send_file(admin, "officers", (DOCS / "can-bo.csv").read_bytes(), "x.csv").get_data(as_text=True)
    assert "Xác nhận nhập 3 dòng" in html and "Dòng " not in html
    assert confirm(admin, html).status_code == 302
    assert json.loads(Officer.get_by_id("nv-hung").fields) == ["tu-phap", "van-phong"]
    assert json.loads(Officer.get_by_id("nv-minh").fields) == ["dia-chinh"]  # by name
    entry = AuditLog.select().where(AuditLog.action == "import.officers").get()
    detail = json.loads(entry.detail)
    assert detail["new"] + detail["updated"] == 3 and entry.actor == "admin"


def test_import_errors_name_row_and_column_and_nothing_is_written(site):
    _cfg, _app, admin = site
    _fields(admin)
    post(admin, "/roster/officers", {"code": "nv-lan", "name": "Lan cũ", "active": "1"})
    version = current_version()
    text = ("Mã cán bộ;Họ tên;Lĩnh vực\n"  # Vietnamese headers with accents, ';' as Excel writes them
            "nv-lan;Nguyễn Thị Lan;tu-phap\n"
            + "".join(f"nv-{i};Cán bộ {i};tu-phap\n" for i in range(3, 14))
            + "nv-x;Trần X;dia-chinh\n"  # row 14
            + "nv y;;\n")  # row 15: a bad code and no name
    r = send_file(admin, "officers", text.encode("utf-8"), "can-bo.csv")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "Xác nhận" not in html
    assert ("Dòng 14, cột &#39;Lĩnh vực&#39;: lĩnh vực &#39;dia-chinh&#39; không có trong danh mục; dùng mã "
            "hoặc tên của một lĩnh vực đã có: chung-thuc (Chứng thực); tu-phap (Tư pháp – Hộ tịch)") in html
    assert "Dòng 15, cột &#39;Mã cán bộ&#39;: mã &#39;nv y&#39;" in html
    assert "Dòng 15, cột &#39;Họ tên&#39;: họ tên: không được để trống" in html
    assert Officer.select().count() == 1 and Officer.get_by_id("nv-lan").name == "Lan cũ"
    assert current_version() == version
    # Other broken files: not UTF-8, no code column, a code twice, not a spreadsheet at all.
    for data, expected in (("ma,ho_ten\nnv-a,Lê Văn Á\n".encode("cp1258"), "phải được lưu với mã UTF-8"),
                           (b"ten\nA\n", "Thiếu cột &#39;ma&#39;"),
                           (b"ma,ho_ten\nnv-a,A\nnv-a,B\n", "Dòng 3: mã &#39;nv-a&#39; đã có ở dòng 2."),
                           (b"PK\x03\x04garbage", "không phải CSV hay XLSX")):
        html = send_file(admin, "officers", data, "x.csv").get_data(as_text=True)
        assert expected in html, expected
    assert Officer.select().count() == 1


def test_import_xlsx_and_all_or_nothing_at_confirm(site):
    import io

    from openpyxl import Workbook

    from sync_server.db.models import Field, Procedure

    _cfg, _app, admin = site
    _fields(admin)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Đang dùng"])
    sheet.append(["1.001193", "Đăng ký khai sinh", "tu-phap", 1])
    sheet.append(["2.000635", "Chứng thực bản sao", "chung-thuc", "có"])
    out = io.BytesIO()
    book.save(out)
    html = send_file(admin, "procedures", out.getvalue(), "thu-tuc.xlsx").get_data(as_text=True)
    assert "Xác nhận nhập 2 dòng" in html
    # Between preview and confirm a field the file names disappears: nothing is imported.
    Field.delete().where(Field.code == "chung-thuc").execute()
    assert confirm(admin, html).status_code == 302
    assert "Dòng 3, cột &#39;Lĩnh vực&#39;" in page(admin, "/roster/import")
    assert not Procedure.select().exists()
