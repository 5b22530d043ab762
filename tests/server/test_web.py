"""The staff app through Flask's test client: login, CSRF, rate limit, `next`, cookies, key."""

from __future__ import annotations

import re
import stat

import pytest

from sync_server.accounts.access import safe_next
from sync_server.app import create_app
from sync_server.ops import demo_data
from tests.support.server import TOKEN
from tests.support.web import PASSWORD, add_user, csrf_token


@pytest.fixture
def cfg(make_config):
    """One kiosk in server.toml (the dashboard lists it); nothing answers there."""
    return make_config([("quay-1", "http://127.0.0.1:9", TOKEN)])


def login(client, username="admin", password=PASSWORD, next_url="", token=True):
    """The login form posted as a browser would (`token`: with its CSRF token); the answer is the
    test's to check (tests.support.web.login expects success)."""
    page = client.get("/login")
    data = {"username": username, "password": password, "next": next_url}
    if token:
        data["csrf_token"] = csrf_token(page.get_data(as_text=True))
    return client.post("/login", data=data)


def test_dashboard_needs_login(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=/")


def test_login_page_says_how_to_make_the_first_admin(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in html and "hailong-server create-admin" in html
    add_user()
    assert "create-admin" not in client.get("/login").get_data(as_text=True)


def test_login_shows_the_dashboard_and_logout_needs_csrf(client):
    add_user()
    r = login(client)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Mức độ hài lòng theo cán bộ" in html and 'id="kiosk-quay-1"' in html
    assert client.post("/logout").status_code == 400
    r = client.post("/logout", data={"csrf_token": csrf_token(html)})
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client):
    add_user()
    r = login(client, token=False)
    assert r.status_code == 400 and "Biểu mẫu đã hết hạn" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_wrong_password_and_rate_limit(client):
    add_user()
    for _ in range(5):
        r = login(client, password="wrong password!")
        assert r.status_code == 401 and "không đúng" in r.get_data(as_text=True)
    r = login(client)  # even the right password waits now
    assert r.status_code == 429 and "thử lại sau" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert login(client, username="other").status_code == 401  # another name is its own key


def test_unknown_user_is_refused_like_a_wrong_password(client):
    add_user()
    r = login(client, username="nobody")
    assert r.status_code == 401 and "không đúng" in r.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("", "/"), ("/", "/"), ("/?x=1", "/?x=1"), ("//evil.example/", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
    ("evil", "/"), ("/\r\nSet-Cookie:x", "/"),
])
def test_next_is_only_a_local_path(app, target, expected):
    with app.test_request_context():
        assert safe_next(target) == expected


def test_login_follows_a_safe_next_only(client):
    add_user()
    assert login(client, next_url="//evil.example/x").headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert login(client, next_url="/?tab=1").headers["Location"] == "/?tab=1"


def test_session_cookie_flags(client):
    add_user()
    r = login(client)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" in cookie  # permanent session: 8 hours


def test_secret_key_is_made_once_with_mode_0600(make_config):
    cfg = make_config()
    first = create_app(cfg).config["SECRET_KEY"]
    path = cfg.data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert create_app(cfg).config["SECRET_KEY"] == first and len(first) == 64


def test_dashboard_lists_the_demo_officers(cfg, client):
    demo_data.seed(cfg)
    add_user()
    login(client)
    html = client.get("/").get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công xã Đại Lãnh" in html and "huyện" not in html.lower()
    for code, name, _title, _fields in demo_data.OFFICERS:
        assert f'id="officer-{code}"' in html and name in html
    assert "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html)  # no CDN


def test_the_session_serializer_is_made_once_and_follows_the_key(make_config):
    """The session cookie's serializer is kept between requests (issue 16), never past a change
    of the secret key: a cookie signed with the old key no longer opens a session."""
    app = create_app(make_config())
    client = app.test_client()
    client.get("/login?lang=en")
    with client.session_transaction() as s:
        assert s["lang"] == "en"
    sessions = app.session_interface
    assert sessions.get_signing_serializer(app) is sessions.get_signing_serializer(app)
    app.secret_key = "another-key-" * 4
    with client.session_transaction() as s:
        assert "lang" not in s
