"""What the screen shows, computed from the controller: pure, so it is tested without Kivy.

The Kivy screen only renders a ScreenModel; every decision (which step, which words, which
choices) is made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.controller import KioskController
from kiosk.flow import Phase
from kiosk.ui.strings import text

# What fills the middle of the screen.
FACES, REASONS, PROCEDURES, OFFICERS = "faces", "reasons", "procedures", "officers"
# What the footer holds.
HINT, QUESTION_CONTROLS, REASON_CONTROLS, SKIP_ONLY = "hint", "question", "reasons", "skip"
OTHER = ""  # the code of the "Khác" (other) procedure choice: stored as no procedure


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class ScreenModel:
    phase: Phase
    unit: str
    subtitle: str  # the officer on duty, or the thanks line
    title: str  # the question, or the step's question, or the thanks
    middle: str
    choices: tuple[Choice, ...]
    footer: str
    hint: str
    qr_url: str | None  # on the thanks screen only


def stats_hint(c: KioskController, language: str, now: datetime | None = None) -> str:
    """This month's figures for the desk and, in small print, how the share is defined; only
    on the idle screen (never mid-session) and only with the roster's show_stats."""
    now = now or datetime.now()
    stats = c.desk_stats()
    count = f"{stats.answered:,}".replace(",", ".")  # Vietnamese thousands: 1.234
    values = {"month": now.month, "month_en": now.strftime("%B"), "count": count}
    if stats.percent is None:
        return text("stats_none", language, **values)
    line = text("stats", language, percent=stats.percent, **values)
    return f"{line}\n{text('stats_definition', language)}"


def build(c: KioskController, language: str, failure: str = "") -> ScreenModel:
    phase = c.flow.phase
    unit = c.unit_name() or text("default_unit", language)
    if phase is Phase.THANKS:
        # The same words for every score: an officer watching learns nothing.
        return ScreenModel(phase, unit, text("thanks_body", language), text("thanks_title", language),
                           FACES, (), HINT, failure or text("hint", language),
                           c.thanks_qr_url or c.settings.get("qr_url") or None)
    officer = c.officer(c.flow.session_officer)
    on_duty = [officer] if officer else c.officers_on_duty()
    if len(on_duty) == 1:
        subtitle = text("officer_on_duty", language, name=on_duty[0]["name"])
    elif on_duty and c.mode == "counter":
        subtitle = text("officers_on_duty", language, names=", ".join(o["name"] for o in on_duty))
    else:
        subtitle = ""

    if phase is Phase.REASONS:
        chosen = set(c.flow.chosen_reasons)
        choices = tuple(Choice(code, label, code in chosen) for code, label in c.reason_choices(language))
        return ScreenModel(phase, unit, text("reasons_hint", language), text("reasons_title", language),
                           REASONS, choices, REASON_CONTROLS, failure, None)
    if phase is Phase.PROCEDURE:
        choices = tuple(Choice(p["code"], p["name"]) for p in c.procedure_choices())
        choices += (Choice(OTHER, text("procedure_other", language)),)
        return ScreenModel(phase, unit, subtitle, text("procedure_title", language), PROCEDURES,
                           choices, SKIP_ONLY, failure, None)
    idle_hint = stats_hint(c, language) if phase is Phase.IDLE and c.show_stats else ""
    if phase is Phase.IDLE and c.mode == "shared" and c.officers_to_choose():
        choices = tuple(Choice(o["code"], _officer_label(o)) for o in c.officers_to_choose())
        return ScreenModel(phase, unit, "", text("choose_officer", language), OFFICERS, choices, HINT,
                           failure or idle_hint or text("choose_officer_hint", language), None)

    index = c.flow.question_index
    total = len(c.flow.questions)
    if phase is Phase.ASKING:
        progress = text("question_progress", language, n=index + 1, total=total)
        return ScreenModel(phase, unit, subtitle, c.question_text(index, language), FACES, (),
                           QUESTION_CONTROLS, failure or progress, None)
    return ScreenModel(phase, unit, subtitle, c.question_text(0, language), FACES, (), HINT,
                       failure or idle_hint or text("hint", language), None)


def _officer_label(officer: dict) -> str:
    title = officer.get("title")
    return f"{officer['name']}\n{title}" if title else officer["name"]
