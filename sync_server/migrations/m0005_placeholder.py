"""Placeholder for migration 5, which another branch brings (lead-more: m0005_service).

On merge: drop this file and keep the real m0005 in `_MODULES`; it changes nothing here, so a
test database that applied it loses nothing.
"""

from __future__ import annotations


def up(db) -> None:
    return None
