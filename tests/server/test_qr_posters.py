"""QR posters and tickets (issue 13): while the address in the code is one only the office PC
opens (127.0.0.1, localhost), a warning says so and says how to fix it, and the sheet does not
print; a counter's poster shows the counter's name."""

from __future__ import annotations

import re

import pytest

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Counter, Officer
from tests.support.web import add_user, client_as, csrf_token, page

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def site(make_config, public_url: str):
    cfg = make_config(extra=f'[qr]\npublic_url = "{public_url}"\n' if public_url else "")
    with write_transaction():
        Officer.create(code="nv-lan", name="Nguyễn Thị Lan")
        Counter.create(code="quay-a", name="Quầy Một cửa số 1", officers='["nv-lan"]')
    add_user("staff", "staff")
    return client_as(create_app(cfg), "staff")


def printable(html: str) -> bool:
    """The print button is there and nothing hides the sheet in print."""
    return "window.print()" in html and not re.search(r"@media print \{ \.sheet \{ display: none", html)


@SQLITE
@pytest.mark.parametrize("public_url", ["", "http://127.0.0.1:5000", "http://localhost:5000"])
def test_an_address_only_this_pc_opens_warns_and_does_not_print(make_config, public_url):
    staff = site(make_config, public_url)
    for url in ("/qr/poster/nv-lan", "/qr/poster/quay-a?size=a5"):
        html = page(staff, url)
        assert 'id="local-warning"' in html and "public_url" in html and not printable(html), url
    token = csrf_token(page(staff, "/qr"))
    tickets = staff.post("/qr/tickets", data={"code": "quay-a", "count": "1", "csrf_token": token})
    html = tickets.get_data(as_text=True)
    assert 'id="local-warning"' in html and not printable(html)


@SQLITE
def test_with_the_office_address_the_poster_prints_and_names_the_counter(make_config):
    staff = site(make_config, "http://192.168.1.10:5000")
    html = page(staff, "/qr/poster/quay-a")
    assert 'id="local-warning"' not in html and printable(html)
    assert "http://192.168.1.10:5000/r/quay-a" in html and "<strong>Quầy Một cửa số 1</strong>" in html


@SQLITE
def test_the_qr_page_lists_counters_by_name(make_config):
    """A2 of the field test: /qr listed the counter as "quay-1" (and "Quầy quay-1" in the ticket
    choice). Its name first, the code beside it small, as for officers."""
    staff = site(make_config, "http://192.168.1.10:5000")
    html = page(staff, "/qr")
    row = re.search(r"<tr><td>([^<]*)<span[^>]*>quay-a</span></td>", html)
    assert row and row.group(1).strip() == "Quầy Một cửa số 1", html.split("<h2>")[1][:1500]
    assert '<option value="quay-a">Quầy Một cửa số 1</option>' in html and "Quầy quay-a" not in html
