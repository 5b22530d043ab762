"""The roster and fleet pages in headless Chromium against a real `hailong-server serve`: an
officer name with markup is shown as text (nothing runs), and pasting a pairing code fills the
add-kiosk form."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.shared.pairing import Pairing, encode
from tests.support.server import free_port, server_toml

REPO = Path(__file__).resolve().parents[2]
EVIL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Lan'


def test_roster_pages_in_chromium(tmp_path, backend, browser_page):
    from tests.support.browser import screenshot
    from tests.support.server import wait_until_up

    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [], port=port, database_url=backend), encoding="utf-8")
    password = "mật khẩu dài cho danh mục"
    made = subprocess.run([sys.executable, "-m", "sync_server", "create-admin", "--config", str(config),
                           "--username", "admin", "--password-stdin"], input=password + "\n", text=True,
                          capture_output=True, cwd=REPO, timeout=60)
    assert made.returncode == 0, made.stderr
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(config),
                             "--no-pull"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, base + "/login")
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
    finally:
        proc.terminate()
        proc.wait(timeout=30)
