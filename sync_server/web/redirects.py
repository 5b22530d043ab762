"""URLs that moved when the pages were grouped by package (url_prefix): the old address answers
with a permanent redirect to the new one, the query string kept, so a bookmark or a printed link
still works."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for

# (old rule, endpoint now serving it, how the old rule's values map to the endpoint's)
MOVED: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("/audit", "admin.audit_log", {}),
    ("/responses", "reports.responses", {}),
    ("/photos/<officer_code>.jpg", "qr.photo", {"officer_code": "code"}),
)


def _redirect_to(endpoint: str, names: dict[str, str]):
    def view(**values: Any):
        target = url_for(endpoint, **{names.get(k, k): v for k, v in values.items()})
        query = request.query_string.decode("ascii", "replace")
        return redirect(f"{target}?{query}" if query else target, code=301)

    return view


def init_app(app: Flask) -> None:
    for i, (rule, endpoint, names) in enumerate(MOVED):
        app.add_url_rule(rule, f"moved_{i}", _redirect_to(endpoint, names))
