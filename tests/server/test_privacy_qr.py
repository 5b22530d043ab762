"""The privacy notice on the citizens' QR page (issue 14; Law 91/2025, NĐ 356/2025): one line, the
full text a tap away without JavaScript, in Vietnamese and English, the words from server.toml's
[privacy] when set, the optional name field said apart when the unit turns it on."""

from __future__ import annotations

import html as html_lib
import logging

import pytest

from kiosk.shared.configfile import ConfigError
from sync_server import config as server_config
from sync_server.app import create_app
from tests.support.qr import seed_roster


def pages(make_config, extra: str = "", url: str = "/r/nv-lan") -> dict[str, str]:
    cfg = make_config([("quay-1", "http://127.0.0.1:9", "k" * 24)], extra=extra)
    seed_roster()
    client = create_app(cfg).test_client()
    out = {}
    for lang in ("vi", "en"):
        r = client.get(f"{url}?lang={lang}")
        assert r.status_code == 200
        out[lang] = html_lib.unescape(r.get_data(as_text=True))
    return out


def notice(html: str) -> str:
    return html.split('<details class="qr-privacy" id="qr-privacy">')[1].split("</details>")[0]


def test_the_default_notice_in_vietnamese_and_english(make_config):
    both = pages(make_config)
    vi = notice(both["vi"])
    assert "<summary>Không ghi tên, không chụp ảnh. Chạm để xem thêm</summary>" in vi
    assert "Ghi lại: mức đánh giá Ông/Bà chọn, cán bộ và thủ tục được đánh giá, thời gian đánh giá." in vi
    assert "Thời gian lưu: theo quy định lưu trữ của đơn vị." in vi
    assert "cookie và địa chỉ mạng" in vi and "Họ tên, số điện thoại không bắt buộc" not in vi
    en = notice(both["en"])
    assert "<summary>No name, no photo is kept. Touch to read more</summary>" in en
    assert "Not kept: your name, phone number, ID number, picture or voice." in en
    assert "not stored with the rating" in en


def test_server_toml_sets_the_words_and_the_name_field_is_said_apart(make_config):
    extra = '[qr]\nask_name = true\n[privacy]\nretention = "5 năm, sau đó xóa"\nline = "Ẩn danh. <Xem>"\n'
    vi = notice(pages(make_config, extra, "/r/quay-1")["vi"])  # the counter's choice of officer
    assert "<summary>Ẩn danh. <Xem></summary>" in vi  # as text: unescaped here, escaped on the page
    assert "Thời gian lưu: 5 năm, sau đó xóa." in vi
    assert ("Họ tên, số điện thoại không bắt buộc: chỉ được lưu khi Ông/Bà tự điền vào và đánh dấu ô "
            "đồng ý, lưu riêng với đánh giá và được xóa sau 90 ngày.") in vi


def test_a_bad_privacy_table_names_the_key(tmp_path):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n[privacy]\ntext_en = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"privacy\.text_en"):
        server_config.load(path)


def test_the_notice_opens_on_a_phone_in_chromium(tmp_path, backend, browser_page):
    from pathlib import Path

    from tests.support.browser import screenshot
    from tests.support.office import office_server
    from tests.support.serving import serving

    port, args = office_server(tmp_path, {"quay-1": "http://127.0.0.1:9"}, 3600, database_url=backend)
    with serving(Path(args[1]), port) as base:
        p = browser_page
        for lang, opened in (("vi", "Thời gian lưu: theo quy định lưu trữ của đơn vị."),
                             ("en", "How long: as long as the unit's records rules say.")):
            p.goto(f"{base}/r/quay-1?lang={lang}")
            assert not p.locator("#qr-privacy p >> nth=0").is_visible()  # one line until tapped
            p.click("#qr-privacy summary")
            assert p.locator(f"#qr-privacy >> text={opened}").is_visible()
            p.locator("#qr-privacy").scroll_into_view_if_needed()
            screenshot(p, f"qr-privacy-{lang}")


def test_a_qr_page_reads_the_unit_row_once(make_config, caplog):
    """The page's header and the privacy notice both name the unit: one read of its row (issue 16)."""
    cfg = make_config([("quay-1", "http://127.0.0.1:9", "k" * 24)])
    seed_roster()
    client = create_app(cfg).test_client()
    client.get("/r/nv-lan")  # the first request warms what is read once per process
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        page = client.get("/r/nv-lan")
    assert page.status_code == 200
    reads = [r for r in caplog.records if 'FROM "unit"' in r.getMessage()]
    assert len(reads) == 1, [r.getMessage()[:120] for r in reads]
