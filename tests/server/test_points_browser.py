"""Reception points in headless Chromium against a real `hailong-server serve` with the demo's two
points: a citizen rates on the QR page of the outlying point's counter, an admin adds a point on
/roster/points at 360 px (vi and en), and the report by point and the print view of one point show
where the rating was taken. Screenshots and the print view's PDF go to test-output/web/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import SCREENSHOTS, screenshot
from tests.support.office import PASSWORD, office_server
from tests.support.serving import browser_login, serving


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_points_pages_the_report_by_point_and_its_print_view(tmp_path, backend, browser_page):
    port, args = office_server(tmp_path, {"quay-1": "http://127.0.0.1:9"}, 3600, database_url=backend)
    with serving(Path(args[1]), port, "--no-pull") as base:
        p = browser_page
        p.goto(base + "/r/vt-1?o=nv-mai")  # the Vạn Thọ counter's QR code, rating Đặng Thị Mai
        p.click("label.s4")
        p.click("button.qr-send")
        p.wait_for_url("**/cam-on**")

        browser_login(p, base, "admin", PASSWORD)
        p.set_viewport_size({"width": 360, "height": 640})  # a phone: the tables scroll, the page does not
        p.goto(base + "/roster/points")
        rows = p.locator("#points tbody tr")
        assert rows.count() == 2 and p.input_value("#point-van-tho input[name=former_name]") == "xã Vạn Thọ"
        screenshot(p, "points-roster-vi-360")
        p.fill("#point-code", "thon-dong")
        p.fill("#point-name", "Điểm tiếp nhận thôn Đông")
        p.fill("#point-former", "xã Vạn Phước")
        p.fill("#point-merged", "2025-07-01")
        p.click("#point-new button[type=submit]")
        p.wait_for_url(base + "/roster/points")
        assert rows.count() == 3 and "Đã lưu điểm tiếp nhận" in p.content()
        p.goto(base + "/roster/points?lang=en")
        assert p.locator("#points th").nth(4).inner_text() == "Former commune (before the merger)"
        screenshot(p, "points-roster-en-360")

        p.goto(base + "/reports?by=point&period=year&lang=vi")
        cells = [c.inner_text() for c in p.locator("#report-table tbody tr").first.locator("td").all()]
        assert cells[0] == "Điểm tiếp nhận Vạn Thọ" and cells[2] == "1"
        assert cells[1].startswith("xã Vạn Thọ, sáp nhập từ 01/07/2025")
        screenshot(p, "points-report-vi-360")
        p.goto(base + "/reports?by=point&period=year&lang=en")
        screenshot(p, "points-report-en-360")
        p.set_viewport_size({"width": 1280, "height": 900})
        p.goto(base + "/reports?by=kiosk&period=year&lang=vi")
        assert "Điểm tiếp nhận Vạn Thọ: trước đây là xã Vạn Thọ" in p.content()
        screenshot(p, "points-report-by-counter-vi")
        p.goto(base + "/reports?by=officer&period=year&point=van-tho&fmt=print&lang=vi")
        assert p.locator("#print-point").inner_text() == "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ"
        assert p.locator("#report-table tr.total td").nth(2).inner_text() == "1"  # kept with the signature
        screenshot(p, "points-print-vi")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        p.emulate_media(media="print")
        p.pdf(path=str(SCREENSHOTS / "points-print-vi.pdf"), format="A4")
