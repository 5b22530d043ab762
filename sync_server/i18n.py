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
- Numbers for a person go through `number` (Babel's format_decimal in the reader's locale:
  "4,5" and "1.234" in Vietnamese, "4.5" and "1,234" in English). A figure made without a request
  is a `Figure`: it reads as the Vietnamese text (what the signed DOCX, the CSV and the logs say),
  and a page writes it in its reader's language (the web filters call `localized`).
- Dates the same way: `day` writes one for a reader ("04/12/2026" in Vietnamese, "4 Dec 2026" in
  English, Babel's CLDR patterns); a date made without a request is a `Day`, which reads as the
  Vietnamese (the DOCX is signed in Vietnamese) and is written in the page's language by the same
  filters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

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


# kind: (decimals, Babel pattern). A share is "92,5 %" in Vietnamese, as the signed reports always
# wrote it, and "92.5%" in English; "pct0" is a share without decimals (chart labels).
_KINDS = {"count": (0, "#,##0"), "dec1": (1, "#,##0.0"), "mean": (2, "#,##0.00"), "points": (2, "#,##0.00"),
          "pct": (1, "#,##0.0"), "pct0": (0, "#,##0")}
_PERCENT = {"vi": " %", "en": "%"}


def number(value: float, kind: str, locale: str = DEFAULT) -> str:
    """`value` written for a reader of `locale` ("vi", "en"); kinds in _KINDS."""
    digits, pattern = _KINDS[kind]
    # round() first: the same half-way cases as the f-strings the reports used before
    text = format_decimal(round(value, digits), pattern, locale=locale)
    return text + _PERCENT.get(locale, "%") if kind.startswith("pct") else text


class Figure(str):
    """A number made where there is no request, with a text before it ("↑ "): it reads as the
    Vietnamese text; `localized` writes it for a reader of another language."""

    value: float
    kind: str
    prefix: str

    def __new__(cls, value: float, kind: str, prefix: str = "") -> Figure:
        obj = super().__new__(cls, prefix + number(value, kind))
        obj.value, obj.kind, obj.prefix = value, kind, prefix
        return obj

    def localized(self, locale: str) -> str:
        return self.prefix + number(self.value, self.kind, locale)


# kind: (Vietnamese strftime, the CLDR pattern of other languages): a day, a month, a day in a
# chart's axis where the year is said elsewhere.
_DATES = {"day": ("%d/%m/%Y", "d MMM y"), "month": ("%m/%Y", "MMM y"), "daymonth": ("%d/%m", "d MMM"),
          "monthname": ("%m/%Y", "MMMM y")}  # a heading ("Tháng 12/2026", "December 2026")


def day(value: date, locale: str = DEFAULT, kind: str = "day") -> str:
    """`value` written for a reader of `locale`: "04/12/2026" (vi), "4 Dec 2026" (en)."""
    vi, pattern = _DATES[kind]
    return value.strftime(vi) if locale == DEFAULT else format_date(value, pattern, locale=locale)


class Day(str):
    """Dates made where there is no request: one, a span (`Day(start, end)`: "01/12/2026 –
    31/12/2026", one date when both are the same day) or a list (`sep=", "`). It reads as the
    Vietnamese text; `localized` writes it for a reader of another language."""

    dates: tuple[date, ...]
    kind: str
    sep: str

    def __new__(cls, *dates: date, kind: str = "day", sep: str = " – ") -> Day:
        if len(dates) == 2 and dates[0] == dates[1] and sep == " – ":
            dates = dates[:1]
        obj = super().__new__(cls, sep.join(day(d, DEFAULT, kind) for d in dates))
        obj.dates, obj.kind, obj.sep = dates, kind, sep
        return obj

    def localized(self, locale: str) -> str:
        return self.sep.join(day(d, locale, self.kind) for d in self.dates)


def localized(value: object, locale: str) -> object:
    """A Figure or a Day in `locale`; anything else unchanged."""
    return value.localized(locale) if isinstance(value, Figure | Day) else value


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, a keyword of `pybabel extract`
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message
