"""What a pull says (PullLog.message, Kiosk.last_error, Alert.message): message codes with values.

A message is an English msgid with %(name)s values (`say("roster v%(v)s not pushed: %(e)s",
v=3, e=...)`); a value may itself be a message (a network error inside a refusal). The database
keeps the messages as JSON ([msgid, {values}] per message), never as finished text, and the
pages render them in the reader's language through the `pull` gettext domain (Vietnamese in
`sync_server/translations/vi/LC_MESSAGES/pull.po`; English is the msgid itself). The journal
and `hailong-server pull --once` print the English, where a technician may search it.

`make messages` extracts the first argument of every `say(...)` into `pull.pot`. Text that
comes from elsewhere (a ProtocolError naming a field, an exception) is a plain value, shown as
written. Rows written before messages were stored this way are plain English text and are shown
as they are. No Flask here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Value = Any  # str | int | float | Message


@dataclass(frozen=True)
class Message:
    msgid: str
    values: dict[str, Value] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        text = gettext(self.msgid)
        if not self.values:
            return text
        return text % {k: v.render(gettext) if isinstance(v, Message) else v for k, v in self.values.items()}

    def __str__(self) -> str:
        return self.render()

    def as_data(self) -> list[Any]:
        return [self.msgid, {k: v.as_data() if isinstance(v, Message) else v for k, v in self.values.items()}]

    @classmethod
    def from_data(cls, data: Any) -> Message | None:
        if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str)
                and isinstance(data[1], dict)):
            return None
        values = {k: cls.from_data(v) or v if isinstance(v, list) else v for k, v in data[1].items()}
        return cls(data[0], values)


def say(msgid: str, **values: Value) -> Message:
    """A message for the pull's minutes; `msgid` must be a literal (extracted by `make messages`)."""
    kept = (Message, int, float)
    return Message(msgid, {k: v if isinstance(v, kept) else str(v) for k, v in values.items()})


def as_message(value: Message | str) -> Message:
    """A message, or foreign text (an exception's words) kept as it is."""
    return value if isinstance(value, Message) else Message("%(text)s", {"text": str(value)})


def dumps(messages: Iterable[Message | str]) -> str:
    """The JSON the database keeps; "" for no message."""
    items = [as_message(m).as_data() for m in messages]
    return json.dumps(items, ensure_ascii=False) if items else ""


def english(messages: Iterable[Message | str]) -> str:
    return "; ".join(str(m) for m in messages)


def render(stored: str | None, gettext: Callable[[str], str]) -> str:
    """Stored messages in the reader's language; older rows (plain text) as they are."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(data, list):
        return stored
    messages = [Message.from_data(item) for item in data]
    if any(m is None for m in messages):
        return stored
    return "; ".join(m.render(gettext) for m in messages if m is not None)


__all__ = ["Message", "as_message", "dumps", "english", "render", "say"]
