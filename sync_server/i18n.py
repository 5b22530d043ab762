"""Vietnamese first, English available, the way Flask apps do it: Flask-Babel with gettext
catalogues. Message ids are the Vietnamese text (the source language); only English has a
catalogue (`sync_server/translations/en/LC_MESSAGES/messages.po`, compiled `.mo` shipped in the
package: the office PC has no build step). `make messages` extracts, updates and compiles.

- In views: `from flask_babel import gettext as _`; in templates `_("…")`, with values as
  `%(name)s` (`_("Đã lưu %(n)s dòng.", n=3)`); a literal "%" in a template msgid is "%%".
- Text defined where there is no request (module-level tables, errors raised by the logic
  modules, pull messages stored for later) is marked with `N_("…")`, which returns it unchanged
  and lets `pybabel extract` find it; it is translated when shown (`_(value)` in a view, the
  `tr` filter in a template — never `_(variable)` in a template: Jinja would mark it safe).
- No Flask here: the logic modules import `N_` from this module.
"""

from __future__ import annotations

from pathlib import Path

LANGS = ("vi", "en")
DEFAULT = "vi"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


class Msg(str):
    """A message with its values, made where there is no request: it reads as the Vietnamese
    text (files, logs), and a page's `tr` filter translates `msgid` and fills in the values.
    Write `Msg(N_("Tháng %(m)s"), m="12/2026")` so that `pybabel extract` finds the msgid."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Msg:
        obj = super().__new__(cls, msgid % values if values else msgid)
        obj.msgid, obj.values = msgid, values
        return obj


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, a keyword of `pybabel extract`
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message
