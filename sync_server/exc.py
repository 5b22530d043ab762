"""The server's errors in one place, as gpiozero keeps its own in `exc.py`.

`ServerError` is the base of every error the server raises on purpose; the CLI turns any of them
into one line and its `exit_status` (sync_server.cli), never a traceback. Two families cover
nearly everything:

- `InputError`: input a person can correct (a form field, an import row, a quota, a yearly
  text, an acknowledgement, a photo, what a citizen's phone sent). It carries a message template
  with `%(name)s` values, in Vietnamese — a msgid of the catalogue — so the page shows it in
  the reader's language (`message(gettext)`), and `str()` gives the Vietnamese.
- `Refused`: data or a request that must not be taken (a pull that does not chain, a QR ticket
  used or forged, a backup that cannot be restored); `reason` is a short code the health pages
  and alerts count.

No Flask here: the views translate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.shared.exc import (  # ConfigError: the config's errors are the kiosk's (exit 2)
    ConfigError,
    HailongError,
)


class ServerError(HailongError):
    """Anything the server refuses or cannot do, said in one line (`line()`): what the CLI prints
    before it exits with `exit_status` (hailong's one base, kiosk.shared.exc)."""

    prefix = ""  # e.g. "database error: ", so that a technician knows where to look

    def line(self) -> str:
        return self.prefix + " ".join(str(self).split())


class InputError(ServerError, ValueError):
    """Input a person can correct; `template` is a catalogue msgid with %(name)s values."""

    def __init__(self, template: str, values: Mapping[str, Any] | None = None) -> None:
        super().__init__(template)
        self.template = template
        self.values: dict[str, Any] = dict(values or {})

    def __str__(self) -> str:
        return self.message(lambda text: text)

    def message(self, gettext: Callable[[str], str], locale: str | None = None) -> str:
        """The message in the reader's language: the template, its labels ("label", "what": field
        names, msgids too) and any nested InputError translated with `gettext`; a number made as
        an i18n.Figure written for a reader of `locale` (None: as made, the Vietnamese way)."""
        values = {k: v.message(gettext, locale) if isinstance(v, InputError)
                  else v.localized(locale) if locale and hasattr(v, "localized")  # an i18n.Figure
                  else gettext(v) if k in ("label", "what") and isinstance(v, str) else v
                  for k, v in self.values.items()}
        text = gettext(self.template)
        return text % values if values else text


class Refused(ServerError):
    """Must not be taken; `reason` is the code counted on the health page or raised as an alert."""

    exit_status = 3
    prefix = "refused: "

    def __init__(self, reason: str, message: Any = "", detail: str = "") -> None:
        super().__init__(str(message) or reason)
        # `message`: a text, or a message code with values (sync_server.collect.messages) for minutes
        self.reason, self.message, self.detail = reason, message or reason, detail

    def __str__(self) -> str:
        return str(self.message)


__all__ = ["ConfigError", "InputError", "Refused", "ServerError"]
