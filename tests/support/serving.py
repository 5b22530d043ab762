"""A real `hailong-server serve` process for the HTTP and browser tests, and a login through the
real form in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import REPO, wait_until_up


@contextmanager
def serving(config: Path, port: int, *args: str) -> Iterator[str]:
    """`serve` with the config at `config` (which names `port`) and `args` (e.g. "--no-pull");
    yields its base URL, stops it after."""
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(config), *args],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, base + "/login")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def browser_login(page, base: str, username: str, password: str) -> None:
    """Log in through the login form on a desktop-sized page; ends on the overview."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
