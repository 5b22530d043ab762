"""The DOCX an office signs (issue 13, NĐ 30/2020), rendered to PDF by LibreOffice and read back
with poppler: page count and orientation, the national name on one line, the officers' names
never broken inside a word, the signature block on the page where the table ends, the frame
from [unit] in server.toml (superior, "Kính gửi", "Nơi nhận", KT./title/name); and the narrow
yearly table in portrait with a narrow STT column. The page images go to test-output/docx/."""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta

import pytest
from docx import Document

from kiosk.shared.presets import PRESETS
from sync_server.db import write_transaction
from sync_server.db.models import Officer, Questionnaire, utcnow
from tests.support.chains import make_chain
from tests.support.docx_pdf import NEEDS_OFFICE, render
from tests.support.responses import store_chain
from tests.support.web import staff_client

NAMES = {"nv-thao": "Nguyễn Thị Phương Thảo", "nv-hung": "Trần Văn Hùng", "nv-khanh": "Hoàng Ngọc Khánh",
         "nv-truong": "Lê Nguyễn Trường Giang", "nv-mai": "Đặng Thị Mai"}
FRAME = """[unit]
name = "Ủy ban nhân dân xã Đại Lãnh"
superior = "Ủy ban nhân dân tỉnh Khánh Hòa"
place = "Đại Lãnh"
report_to = "Chủ tịch Ủy ban nhân dân xã Đại Lãnh"
receivers = "Trung tâm Phục vụ hành chính công tỉnh; Văn phòng HĐND và UBND xã"
signer_authority = "KT. Chủ tịch"
signer_title = "Phó Chủ tịch"
signer_name = "Nguyễn Văn An"
"""

@pytest.fixture
def office(make_config):
    cfg = make_config(extra=FRAME)
    with write_transaction():
        for code, name in NAMES.items():
            Officer.create(code=code, name=name, fields="[]")
        Questionnaire.create(qid="phieu-8", version=1, active=True, document=json.dumps(PRESETS["phieu-8"]))
    rng = random.Random(30)
    start = datetime(utcnow().year, utcnow().month, 1) - timedelta(hours=7)
    span = max(60, int((utcnow() - start).total_seconds() // 60) - 5)

    def each(seq: int) -> dict:
        codes = [q["code"] for q in PRESETS["phieu-8"]["questions"]]
        return {"officer": rng.choice([*NAMES, None]), "questionnaire": "phieu-8",
                "answers": {c: rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0] for c in codes},
                "reasons": rng.sample(["wait", "attitude", "guidance"], rng.choice([0, 1])),
                "recorded_at": (start + timedelta(minutes=rng.randrange(span))).isoformat(
                    timespec="milliseconds") + "+00:00"}

    chain = make_chain("store-d", 300, kiosk_id="quay-1", each=each)
    store_chain(chain, "quay-1", cfg)
    return staff_client(cfg)


@NEEDS_OFFICE
def test_the_officer_sheet_is_landscape_names_whole_signature_with_the_table(office, tmp_path):
    _data, pages, sizes = render(office, "/reports/officers?fmt=docx", "officers", tmp_path)
    assert 1 <= len(pages) <= 2, len(pages)
    assert all(w > h for w, h in sizes)  # landscape: the table has 15 columns
    first = pages[0]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in first.splitlines())  # one line
    assert "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA" in first and "ỦY BAN NHÂN DÂN XÃ ĐẠI LÃNH" in first
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân xã Đại Lãnh" in first
    text = "\n".join(pages)
    for name in NAMES.values():  # every name on one line of the table: no word broken, no name split
        assert name in text, name
    end = next(i for i, page in enumerate(pages) if "Tổng cộng" in page)
    for words in ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", "- Như trên;",
                  "- Trung tâm Phục vụ hành chính công tỉnh;", "- Lưu: VT."):
        assert words in pages[end], words


@NEEDS_OFFICE
def test_the_yearly_report_is_portrait_with_a_narrow_stt(office, tmp_path):
    year = utcnow().year
    data, pages, sizes = render(office, f"/reports/year?year={year}&fmt=docx", "yearly", tmp_path)
    assert all(w < h for w, h in sizes)  # three columns: portrait
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in pages[0].splitlines())  # one line
    grid = Document(io.BytesIO(data)).tables[1]
    widths = [c.width.cm for c in grid.columns]
    assert grid.rows[0].cells[0].text == "STT" and widths[0] < 2.0 and widths[1] > 3 * widths[0], widths
    text = " ".join(" ".join(pages).split())
    assert "tỷ lệ hài lòng (mức 4–5): " in text and "(tỷ lệ hài lòng (" not in text  # row 7, said once
    end = max(i for i, page in enumerate(pages) if "Tổng số phiếu" in page or "Hình thức công khai" in page)
    assert "PHÓ CHỦ TỊCH" in "\n".join(pages[end:])


@pytest.mark.parametrize("url", ["/reports/officers?fmt=print", "/reports?by=field&fmt=print",
                                 "/reports/year?fmt=print"])
def test_print_views_have_the_frame_without_the_site_header(office, url):
    html = office.get(url).get_data(as_text=True)
    assert '<header class="top noprint">' in html  # the site's header and menu are not printed
    frame = html.split('id="letterhead"')[1]
    for words in ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "ỦY BAN NHÂN DÂN XÃ ĐẠI LÃNH",
                  '<strong class="nowrap">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>',
                  "Kính gửi: Chủ tịch Ủy ban nhân dân xã Đại Lãnh"):
        assert words in frame, words
    signature = html.split('id="signature-block"')[1]
    for words in ("- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"):
        assert words in signature, words
    assert '<header class="top">' in office.get(url.replace("fmt=print", "fmt=html")).get_data(as_text=True)
