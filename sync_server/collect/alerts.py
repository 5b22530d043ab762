"""Raising alerts for staff. An alert that is still open and raised again (a kiosk refusing
the same page at every pull) is counted on the open one instead of flooding the list."""

from __future__ import annotations

from datetime import datetime

from sync_server.collect.messages import Message, dumps
from sync_server.db.models import Alert


def raise_alert(kiosk_id: str, kind: str, said: Message | str | list[Message], detail: str,
                now: datetime) -> Alert:
    """Call inside the caller's transaction or connection. The message is stored as a message code
    with its values (sync_server.collect.messages), shown in the reader's language."""
    assert kind in Alert.KINDS, kind
    message = dumps(said if isinstance(said, list) else [said])
    open_one = (Alert.select()
                .where((Alert.kiosk_id == kiosk_id) & (Alert.kind == kind)
                       & (Alert.message == message) & ~Alert.resolved)
                .order_by(Alert.id.desc()).first())
    if open_one is not None:
        Alert.update(count=Alert.count + 1, last_seen=now).where(Alert.id == open_one.id).execute()
        return open_one
    return Alert.create(kiosk_id=kiosk_id, kind=kind, message=message, detail=detail,
                        created_at=now, last_seen=now)
