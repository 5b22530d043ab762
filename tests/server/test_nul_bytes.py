"""A NUL character anywhere in a request (path, query, form, JSON body) on EVERY route of the
app, logged in as admin with a valid CSRF token so that it would reach the view: PostgreSQL
cannot hold NUL in text, so without the edge check some views answered 500 there. Now: 404 when
the NUL is in the path (an unknown page), 400 naming the field otherwise, on both databases, as
the friendly Vietnamese page, and nothing changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.sweep import rules, state
from tests.support.web import client_as, csrf_token

SOURCES = Path(__file__).resolve().parents[2] / "sync_server"
NUMBER = 987654321  # stands for an <int:…> argument while the URL is built
# Field names the views read without naming them in a `request.….get("…")` call.
EXTRA_NAMES = {"date", "start", "end", "field", "target", "label", "unit", "cycle", "difficulties",
               "o", "p", "r", "q_q1", "reason", "fields", "officers", "mode", "title", "sort", "x"}


def field_names() -> list[str]:
    """Every query or form field some view reads, found in the sources (plus EXTRA_NAMES)."""
    found = set(EXTRA_NAMES)
    pattern = re.compile(r'request\.(?:args|form|values)\.(?:get|getlist)\(\s*"([^"]+)"')
    for path in SOURCES.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    found.discard("csrf_token")
    return sorted(found)


def build(app, rule, args, with_nul: str | None = None) -> str:
    """The rule's URL with the sweep's values; `with_nul`: that argument gets a NUL after it."""
    adapter = app.url_map.bind("localhost")
    numeric = {a for a in rule.arguments if isinstance(args[a], int)}
    values = {a: (NUMBER if a in numeric else args[a]) for a in rule.arguments}
    if with_nul is not None and with_nul not in numeric:
        values[with_nul] = f"{args[with_nul]}\x00"
    url = adapter.build(rule.endpoint, values)
    for a in numeric:
        url = url.replace(str(NUMBER), f"{args[a]}%00" if a == with_nul else str(args[a]), 1)
    return url


def friendly(r, status: int) -> None:
    text = r.get_data(as_text=True)
    assert r.status_code == status, (r.request.method, r.request.url, r.status_code, text[-400:])
    assert "Traceback" not in text and "\x00" not in text
    assert ("Không tìm thấy trang" if status == 404 else "ký tự NUL") in text, text[-400:]


def test_nul_anywhere_is_refused_on_every_route(full_site, backend):
    app, _users, args = full_site
    client = client_as(app, "admin")
    token = csrf_token(client.get("/roster").get_data(as_text=True))
    names = field_names()
    assert {"kiosk", "period", "o", "t", "username"} <= set(names)
    # Every field on SQLite, one in ten on PostgreSQL: the refusal is one check before any view and
    # any database work (web/hooks.py), so the SQLite sweep shows it catches every field on every
    # route, and the PostgreSQL one that its page renders and nothing is touched there too. (Every
    # field there cost 98 s of CI and proved nothing more: each request opens a connection.)
    if backend:
        names = names[::10]
    before = state()
    swept = {"path": 0, "query": 0, "form": 0}
    for rule, method in rules(app, args):
        form = {"csrf_token": token} if method == "POST" else None
        for arg in sorted(rule.arguments):  # in each path argument
            friendly(client.open(build(app, rule, args, arg), method=method, data=form), 404)
            swept["path"] += 1
        url = build(app, rule, args)
        for name in names:  # in each query parameter, then in each form field
            friendly(client.open(url, method=method, query_string={name: "a\x00b"}, data=form), 400)
            swept["query"] += 1
            if method == "POST":
                friendly(client.open(url, method=method, data={**form, name: "a\x00b"}), 400)
                swept["form"] += 1
        if method == "POST":  # in a field's name, and in an uploaded file's name
            friendly(client.open(url, method=method, data={**form, "a\x00": "1"}), 400)
    assert state() == before  # nothing reached a view that changes anything
    assert swept["path"] >= 20 and swept["form"] >= 20 * len(names)
    # The pages named in the field notes, by hand, and a JSON body.
    for url, status in (("/r/%00", 404), ("/r/nv-lan%00", 404), ("/r/photo/nv-lan%00", 404),
                        ("/roster/officers/%00", 404), ("/fleet/%00", 404), ("/static/%00.css", 404),
                        ("/reports/responses?kiosk=%00", 400), ("/reports?lang=%00", 400)):
        friendly(client.get(url), status)
    friendly(client.post("/roster", json={"name": ["a", {"b": "c\x00"}]},
                         headers={"X-CSRFToken": token}), 400)


@pytest.mark.parametrize("lang, words", [("vi", "ở ô “kiosk”"), ("en", "in “kiosk”")])
def test_the_refusal_names_the_field_in_the_users_language(full_site, lang, words):
    app, _users, _args = full_site
    client = client_as(app, "admin")
    client.get(f"/?lang={lang}")
    r = client.get("/reports/responses?kiosk=quay%001")
    assert r.status_code == 400 and words in r.get_data(as_text=True)
