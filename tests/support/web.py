"""Helpers for the staff-page tests: users, login through the real form, a client logged in,
CSRF tokens."""

from __future__ import annotations

import re

from werkzeug.security import generate_password_hash

from sync_server.db.models import User

PASSWORD = "correct horse battery"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def add_user(username: str = "admin", role: str = "admin") -> User:
    return User.create(username=username, password_hash=generate_password_hash(PASSWORD), role=role)


def login(client, username: str = "admin", password: str = PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r


def client_as(app, username: str | None):
    """A test client of `app` logged in as `username` (an existing user); None: not logged in."""
    client = app.test_client()
    if username:
        login(client, username)
    return client


def page(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.get_data(as_text=True)
