"""Hub side: enrolling a commune server on the hub's page, and revoking it (docs/hub.md).

The token is made here, shown once by the page and never stored: the hub keeps its SHA-256
(sync_server.upstream.peers compares against it). A commune in [[downstream]] of server.toml is
enrolled there already and cannot be enrolled twice. Audited. No Flask here.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from kiosk.shared.protocol import CODE_RE
from sync_server.accounts import audit
from sync_server.config import ServerConfig
from sync_server.db import write_transaction
from sync_server.db.models import Downstream
from sync_server.exc import InputError
from sync_server.upstream.peers import token_hash

MAX_NAME = 200


def enrol(config: ServerConfig, server_id: str, name: str, actor: str, *, role: str | None = None,
          ip: str | None = None, now: datetime) -> str:
    """Enrol a commune server; return its token (the only time it exists in clear)."""
    server_id, name = server_id.strip(), " ".join(name.split())
    if not CODE_RE.match(server_id):
        raise InputError("Mã đơn vị chỉ gồm chữ không dấu, số, '.', '_' hoặc '-' (tối đa 64), "
                         "ví dụ xa-dai-lanh.")
    if not name or len(name) > MAX_NAME:
        raise InputError("Cần ghi tên đơn vị (tối đa %(n)s ký tự).", {"n": MAX_NAME})
    if any(d.id == server_id for d in config.downstream):
        raise InputError("Đơn vị %(id)s đã được khai báo trong server.toml.", {"id": server_id})
    token = secrets.token_urlsafe(32)
    with write_transaction():
        row = Downstream.get_or_none(Downstream.id == server_id)
        if row is not None and row.token_sha256 and not row.revoked:
            raise InputError("Đơn vị %(id)s đã được ghi danh.", {"id": server_id})
        Downstream.insert(id=server_id, name=name).on_conflict_ignore().execute()
        Downstream.update(name=name, token_sha256=token_hash(token), enrolled_by=actor[:64], enrolled_at=now,
                          revoked=False).where(Downstream.id == server_id).execute()
        audit.record(actor, "downstream.enrol", server_id, {"name": name}, role=role, ip=ip)
    return token


def revoke(server_id: str, actor: str, *, role: str | None = None, ip: str | None = None) -> None:
    """Refuse the commune's pushes from now on; what it sent stays."""
    with write_transaction():
        row = Downstream.get_or_none(Downstream.id == server_id)
        if row is None or not row.token_sha256 or row.revoked:
            raise InputError("Đơn vị %(id)s không được ghi danh trên trang này.", {"id": server_id})
        Downstream.update(revoked=True).where(Downstream.id == server_id).execute()
        audit.record(actor, "downstream.revoke", server_id, {"name": row.name}, role=role, ip=ip)
