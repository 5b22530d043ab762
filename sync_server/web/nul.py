"""NUL characters are refused at the edge, before any view: PostgreSQL cannot store them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, request
from flask_babel import gettext as _

NUL = "\x00"


def _field_with_nul(items: Iterable[tuple[str, Any]]) -> str | None:
    """The name of the first field whose name or text value holds a NUL character."""
    for name, value in items:
        if NUL in name or (isinstance(value, str) and NUL in value):
            return name
    return None


def _json_nul(value: Any, name: str = "JSON") -> str | None:
    """The key under which a JSON body holds a NUL character (in a key or a string), or None."""
    if isinstance(value, str):
        return name if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = name if NUL in key else _json_nul(item, key)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _json_nul(item, name)
            if found is not None:
                return found
    return None


def refuse_nul(json_body: bool = True) -> None:
    """PostgreSQL cannot hold a NUL character in text (psycopg2 refuses the query), and no honest
    form or link carries one: refuse it at the edge, as an unknown page (404) when it is in the
    path, as a bad field (400) in the query, the form or a JSON body — before any view reads it."""
    if NUL in request.path:
        abort(404)
    name = _field_with_nul(request.args.items(multi=True))
    within_limit = (request.content_length or 0) <= (request.max_content_length or float("inf"))
    if name is None and within_limit and request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.is_json:
            name = _json_nul(request.get_json(silent=True)) if json_body else None
        else:
            name = (_field_with_nul(request.form.items(multi=True))
                    or _field_with_nul((k, f.filename or "") for k, f in request.files.items(multi=True)))
    if name is not None:
        abort(400, description=_("Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL) ở ô “%(name)s”.",
                                 name=name.replace(NUL, "␀")[:64]))
