"""Sampling quotas (seed 002) and the yearly report of seed 004 Appendix 2: numbers checked
against the generated responses themselves, forms with CSRF and roles, the files read back."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import AuditLog, Field, Procedure, Quota
from sync_server.reports import quotas
from tests.support.responses import PROCEDURES, generated, local_day, store_chain
from tests.support.web import add_user, client_as, csrf_token, page


@pytest.fixture
def scene(make_config):
    cfg = make_config()
    with write_transaction():
        Field.create(code="tu-phap", name="Tư pháp – Hộ tịch")
        Field.create(code="dia-chinh", name="Địa chính – Xây dựng")
        for code, fld in PROCEDURES.items():
            if code:
                Procedure.create(code=code, name=f"Thủ tục {code}", field=fld)
    chains = {"quay-1": generated(900, "quay-1", "touch", random.Random(3)),
              "qr": generated(300, "qr", "qr", random.Random(4))}
    for kiosk_id, chain in chains.items():
        store_chain(chain, kiosk_id, cfg)
    app = create_app(cfg)
    add_user("admin", "admin")
    add_user("staff", "staff")
    return cfg, app, [r for chain in chains.values() for r in chain]


def forms_in(responses, field, start, end):
    return sum(1 for r in responses if start <= local_day(r) <= end
               and (field == "" or PROCEDURES.get(r["procedure"]) == field))


def test_quota_progress_counts_the_forms_of_the_field_in_the_window(scene):
    _cfg, app, responses = scene
    admin = client_as(app, "admin")
    html = page(admin, "/reports/quotas")
    token = csrf_token(html)
    for fld, target in (("tu-phap", 30), ("dia-chinh", 100000), ("", 50)):
        r = admin.post("/reports/quotas", data={"csrf_token": token, "field": fld, "target": str(target),
                                                "start": "2026-04-01", "end": "2026-10-31"})
        assert r.status_code == 302
    got = {p.quota.field_code: p for p in quotas.progress(date(2026, 6, 1))}
    for fld in ("tu-phap", "dia-chinh", ""):
        assert got[fld].count == forms_in(responses, fld, date(2026, 4, 1), date(2026, 10, 31))
    assert got["tu-phap"].state == "done" and got["dia-chinh"].state == "open"
    assert got["dia-chinh"].on_pace is False
    assert quotas.progress(date(2026, 11, 2))[0].state in ("done", "late")
    html = page(admin, "/reports/quotas")
    assert f'data-count="{got["dia-chinh"].count}"' in html and "Tư pháp – Hộ tịch" in html
    assert AuditLog.select().where(AuditLog.action == "quota.add").count() == 3


@pytest.mark.parametrize("form, message", [
    ({"field": "khong-co", "target": "30"}, "Lĩnh vực &#39;khong-co&#39; không tồn tại"),
    ({"target": "ba mươi"}, "hãy nhập một số nguyên"),
    ({"target": "0"}, "từ 1 đến"),
    ({"target": "30", "start": "01/04/2026"}, "dùng dạng năm-tháng-ngày"),
    ({"target": "30", "start": "2026-10-31", "end": "2026-04-01"}, "đứng trước"),
])
def test_a_bad_quota_is_refused_with_the_field_named_and_nothing_saved(scene, form, message):
    _cfg, app, _ = scene
    admin = client_as(app, "admin")
    token = csrf_token(page(admin, "/reports/quotas"))
    data = {"csrf_token": token, "field": "", "start": "2026-04-01", "end": "2026-10-31", **form}
    admin.post("/reports/quotas", data=data)
    assert message in page(admin, "/reports/quotas")
    assert Quota.select().count() == 0


def test_only_admins_set_quotas_and_every_post_needs_csrf(scene):
    _cfg, app, _ = scene
    staff = client_as(app, "staff")
    html = page(staff, "/reports/quotas")
    assert 'id="quota-form"' not in html
    data = {"csrf_token": csrf_token(html), "target": "30", "start": "2026-04-01", "end": "2026-10-31"}
    assert staff.post("/reports/quotas", data=data).status_code == 403
    admin = client_as(app, "admin")
    assert admin.post("/reports/quotas", data={k: v for k, v in data.items() if k != "csrf_token"}
                      ).status_code == 400
    assert Quota.select().count() == 0


def test_yearly_report_fills_the_rows_the_data_knows_and_keeps_what_staff_write(scene):
    _cfg, app, responses = scene
    staff = client_as(app, "staff")
    html = page(staff, "/reports/year?year=2026")
    in_year = [r for r in responses if local_day(r).year == 2026]
    total = f"{len(in_year):,}".replace(",", ".")
    partial = sum(r["partial"] for r in in_year)
    assert partial and f"{total} phiếu (trong đó {partial} chưa trả lời hết); tỷ lệ hài lòng" in html  # row 7
    first, last = min(map(local_day, in_year)), max(map(local_day, in_year))
    assert f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}" in html  # row 2
    qr = [r for r in in_year if r["channel"] == "qr"]
    assert (f"qua mã QR trên điện thoại của người dân: {len(qr)} phiếu "
            f"(trong đó {sum(r['partial'] for r in qr)} chưa trả lời hết)") in html  # row 3
    by_field = {f: sum(1 for r in in_year if PROCEDURES.get(r["procedure"]) == f)
                for f in ("tu-phap", "dia-chinh")}
    top = max(by_field, key=by_field.get)
    assert {"tu-phap": "Tư pháp – Hộ tịch", "dia-chinh": "Địa chính – Xây dựng"}[top] in html  # row 6

    evil = '<script>alert(1)</script> Kế hoạch số 129/KH-UBND'
    r = staff.post("/reports/year", data={"csrf_token": csrf_token(html), "year": "2026", "unit": evil,
                                          "cycle": "01 tháng", "difficulties": "Thiếu máy in"})
    assert r.status_code == 302
    html = page(staff, "/reports/year?year=2026")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Kế hoạch số 129/KH-UBND" in html
    assert "<script>alert(1)" not in html
    assert ">Thiếu máy in</textarea>" in html
    assert "Thiếu máy in" not in page(staff, "/reports/year?year=2025")  # kept per year
    assert AuditLog.get(AuditLog.action == "yearly_report.edit").actor == "staff"

    doc = Document(io.BytesIO(staff.get("/reports/year?year=2026&fmt=docx").data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in c for c in cells) and "BÁO CÁO" in text
    assert "3. Kiến nghị, đề xuất (nếu có)" in text and "Thiếu máy in" in text
    assert evil in cells and "Tổng số phiếu khảo sát thu về trong năm" in cells
    ws = load_workbook(io.BytesIO(staff.get("/reports/year?year=2026&fmt=xlsx").data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Kỳ lấy phiếu" in values and "01 tháng" in values
    assert staff.get("/reports/year?year=abc").status_code == 400


def test_a_viewer_cannot_see_survey_pages(scene):
    _cfg, app, _ = scene
    add_user("viewer", "viewer")
    viewer = client_as(app, "viewer")
    assert viewer.get("/reports/year").status_code == 403
    assert viewer.get("/reports/quotas").status_code == 403


def test_public_board_shows_this_month_per_field_and_officers_only_when_turned_on(make_config):
    from datetime import datetime, timedelta

    from sync_server.db.models import Officer
    from sync_server.reports.overview import local_today
    from tests.support.chains import iso_vn, make_chain

    cfg = make_config()
    with write_transaction():
        Field.create(code="tu-phap", name="Tư pháp – Hộ tịch")
        Procedure.create(code="1.001193", name="Khai sinh", field="tu-phap")
        Officer.create(code="nv-lan", name="Nguyễn Thị <b>Lan</b>")
    today = local_today(cfg.tz)
    now = datetime.combine(today, datetime.min.time()) + timedelta(hours=2)  # 09:00 local, UTC naive
    scores = [5, 4, 2, 5]
    chain = make_chain("store-b", 4, each=lambda seq: {
        "answers": {"q1": scores[seq - 1]}, "procedure": "1.001193" if seq < 4 else None,
        "recorded_at": iso_vn(now)})
    store_chain(chain, "quay-1", cfg)
    app = create_app(cfg)
    anonymous = app.test_client()
    r = anonymous.get("/board")
    assert r.status_code == 200  # public: no login
    html = r.get_data(as_text=True)
    assert "Tư pháp – Hộ tịch" in html and "66,7 %" in html  # 2 of 3 in the field scored 4–5
    assert "<strong>4</strong> lượt đánh giá" in html and "75,0 %" in html  # the whole month
    assert "Khác" in html  # the response without a procedure
    assert "Lan" not in html and 'id="board-officers"' not in html  # off by default
    assert 'http-equiv="refresh"' in html

    import dataclasses

    cfg_on = dataclasses.replace(cfg, board_show_officers=True)
    html = create_app(cfg_on).test_client().get("/board").get_data(as_text=True)
    assert 'id="board-officers"' in html and "Nguyễn Thị &lt;b&gt;Lan&lt;/b&gt;" in html
