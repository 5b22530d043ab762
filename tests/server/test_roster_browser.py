"""The roster and fleet pages in headless Chromium against a real `hailong-server serve`: an
officer name with markup is shown as text (nothing runs), and pasting a pairing code fills the
add-kiosk form."""

from __future__ import annotations

from kiosk.shared.pairing import Pairing, encode
from tests.support.server import free_port, hailong, server_toml
from tests.support.serving import serving

EVIL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Lan'


def test_roster_pages_in_chromium(tmp_path, backend, browser_page):
    from tests.support.browser import screenshot

    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [], port=port, database_url=backend), encoding="utf-8")
    password = "mật khẩu dài cho danh mục"
    made = hailong("create-admin", "--config", str(config), "--username", "admin", "--password-stdin",
                   stdin=password + "\n")
    assert made.returncode == 0, made.stderr
    with serving(config, port, "--no-pull") as base:
        p = browser_page
        p.goto(base + "/login")
        p.fill("input[name=username]", "admin")
        p.fill("input[name=password]", password)
        p.click("button[type=submit]")
        p.wait_for_url(base + "/")
        p.goto(base + "/roster/officers")
        p.fill("#o-code", "nv-lan")
        p.fill("#o-name", EVIL)
        p.fill("#o-title", "Công chức Tư pháp – Hộ tịch")
        p.click("text=Lưu cán bộ")
        p.wait_for_url(base + "/roster/officers")
        assert p.locator("#officer-nv-lan td.name").inner_text() == EVIL  # the markup, as text
        assert p.evaluate("window.__xss === undefined")
        assert p.locator("#officer-nv-lan img").count() == 0
        screenshot(p, "roster-officers-escaped")

        p.goto(base + "/fleet")
        code = encode(Pairing("quay-7", "http://quay-7.local:8765", "s3cret-token-0123456789"))
        p.fill("#pairing_code", code)
        with p.expect_navigation():
            p.dispatch_event("#pairing_code", "paste")  # pasting submits "Điền" at once
        assert p.input_value("#kiosk_id") == "quay-7" and p.input_value("#address") == "quay-7.local"
        assert p.input_value("#port") == "8765" and "s3cret" not in p.content()
        screenshot(p, "fleet-add-filled")
