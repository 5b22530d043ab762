"""The audit log: one row for every change a person makes, through a page or the command line.
No Flask here; the pages pass who and from where."""

from __future__ import annotations

import json
from typing import Any

from sync_server.models import AuditLog, utcnow

CLI = "cli"


def record(actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None, *,
           role: str | None = None, ip: str | None = None) -> AuditLog:
    """Call inside the transaction of the change itself, so that both happen or neither."""
    return AuditLog.create(at=utcnow(), actor=actor[:64], role=role, action=action, target=target[:128],
                           detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
                           ip=(ip or None) and ip[:64])
