"""A change to the roster made on a page: audited as the logged-in user, and the roster version
bumped in the same transaction when some kiosk's roster really changed (build.touch)."""

from __future__ import annotations

from typing import Any

from sync_server.accounts.access import audit_here
from sync_server.extensions import get_config
from sync_server.roster.build import touch


def changed(action: str, target: str, detail: dict[str, Any] | None = None) -> int:
    """Inside the change's transaction: audit it and bump the roster version if a kiosk's
    roster changed. Returns the version."""
    audit_here(action, target, detail)
    return touch(get_config())
