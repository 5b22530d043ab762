"""The template filters: numbers and sizes in the reader's locale (sync_server.i18n.number: "4,5"
in Vietnamese, "4.5" in English), dates and times in the reader's language ("04/12/2026",
"4 Dec 2026"), and messages made without a request rendered in the page's language. Every
`{{ … }}` that prints a Figure or a Day (a report's share, a period made without a request) prints
it in the reader's locale (Jinja's `finalize`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import gettext as _

from sync_server import i18n
from sync_server.collect import messages as pull_messages
from sync_server.extensions import pull_domain, reader_locale
from sync_server.i18n import Msg


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return i18n.number(value, "pct", reader_locale())


def _num(value: float | None, kind: str = "count") -> str:
    """`{{ n|num }}` a count, `{{ x|num("dec1") }}` one decimal… in the reader's locale."""
    return "—" if value is None else i18n.number(value, kind, reader_locale())


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{i18n.number(n, 'dec1', reader_locale())} {unit}"
        n /= 1024
    return ""


def _seconds(value: float | None) -> str:
    """A clock skew such as "+6 phút 5 giây" / "−3 ngày"; "—" when unknown."""
    if value is None:
        return "—"
    sign = "+" if value >= 0 else "−"
    s = abs(round(value))
    if s < 120:
        return f"{sign}{s} s"
    if s < 7200:
        return f"{sign}{s // 60} min"
    if s < 172800:
        return f"{sign}{s // 3600} h"
    return f"{sign}{s // 86400} d"


def init_app(app: Flask, tz: ZoneInfo) -> None:
    app.jinja_env.finalize = lambda value: i18n.localized(value, reader_locale())

    @app.template_filter("pct")
    def pct_filter(value: float | None) -> str:
        return _pct(value)

    @app.template_filter("localtime")
    def localtime_filter(value: datetime | None, seconds: bool = False) -> str:
        """"14:05 04/12/2026" (vi), "4 Dec 2026, 14:05" (en), in the unit's time zone."""
        if value is None:
            return _("chưa có")
        local = value.replace(tzinfo=UTC).astimezone(tz)
        clock, locale = local.strftime("%H:%M:%S" if seconds else "%H:%M"), reader_locale()
        the_day = i18n.day(local.date(), locale)
        return f"{clock} {the_day}" if locale == i18n.DEFAULT else f"{the_day}, {clock}"

    @app.template_filter("say")
    def say_filter(message: Any) -> str:
        """A message made without a request (a msgid with its values, e.g. health.LiveAlert), in
        the page's language; escaped like any value."""
        return message.render(_)

    @app.template_filter("tr")
    def tr_filter(value: str | None) -> str:
        """A message chosen at run time (a status, a label from a table marked with N_), in the
        page's language; the result is escaped like any value (never `_(value)`: Jinja's gettext
        would mark it safe)."""
        if isinstance(value, Msg):  # (a Figure passes through gettext unchanged: `finalize` writes it)
            locale = reader_locale()
            return _(value.msgid, **{k: i18n.localized(v, locale) for k, v in value.values.items()})
        return _(value) if value else (value or "")

    app.add_template_filter(_size, "size")
    app.add_template_filter(_num, "num")
    app.add_template_filter(_seconds, "seconds")

    @app.template_filter("pullmsg")
    def pullmsg_filter(value: str | None) -> str:
        """A pull's stored messages in the page's language (the `pull` catalogue)."""
        return pull_messages.render(value, pull_domain.gettext)

    @app.template_filter("day")
    def day_filter(value: date, kind: str = "day") -> str:
        """A date in the reader's language: `{{ d|day }}`, `{{ d|day("month") }}` (i18n.day)."""
        return i18n.day(value, reader_locale(), kind)
