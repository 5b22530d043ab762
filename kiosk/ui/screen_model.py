"""What the screen shows, computed from the controller: pure, so it is tested without Kivy.

The Kivy screen only renders a ScreenModel; every decision (which step, which words, which
choices, which buttons) is made here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.controller import KioskController
from kiosk.flow import Phase
from kiosk.shared import portal, privacy
from kiosk.ui.strings import text

# What fills the screen under the header. THANKS is a screen of its own: nothing to touch on it.
FACES, REASONS, PROCEDURES, OFFICERS, THANKS = "faces", "reasons", "procedures", "officers", "thanks"
YES_NO = "yes_no"  # Có / Không: two buttons that look the same, before and after the press
YES, NO = "yes", "no"  # their choice codes
# The footer's buttons, by what they do.
SKIP, DONE, CHOOSE_AGAIN, MORE, BACK, NEXT = "skip", "done", "choose_again", "more", "back", "next"
OTHER = ""  # the code of the "Khác / không rõ" procedure choice: stored as no procedure


@dataclass(frozen=True)
class Inputs:
    """What the citizen can press besides the screen ([kiosk] keypad, a [gpio] table)."""

    keypad: bool = True
    buttons: bool = False


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    selected: bool = False
    detail: str = ""  # an officer's title, under the name
    photo: str = ""  # an officer's photo file on the card, when the roster shows one


@dataclass(frozen=True)
class Control:
    action: str
    label: str


@dataclass(frozen=True)
class ScreenModel:
    phase: Phase
    middle: str
    unit: str
    subtitle: str  # the officer on duty, the thanks line, or the procedure page
    title: str  # the question, the step's question, or the thanks
    progress: str = ""  # "Câu 2/5": large, on every question of a form of several
    choices: tuple[Choice, ...] = ()
    left: Control | None = None
    right: Control | None = None
    hint: str = ""
    notice: bool = False  # the hint must be seen (the screen just woke up)
    qr_url: str | None = None  # on the thanks screen only
    qr_caption: str = ""
    timeout_warning: bool = False  # "Ông/Bà còn tiếp tục không?" over the step
    # The privacy notice (kiosk.shared.privacy): its button on the idle screen only, and the full
    # text over it while a citizen reads it (a touch anywhere closes it; a key rates as ever).
    privacy_line: str = ""
    privacy_title: str = ""
    privacy_text: str = ""
    privacy_open: bool = False


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


def input_hint(inputs: Inputs, language: str, *, officers: bool = False) -> str:
    """"Chạm vào…", then "hoặc bấm nút" / "hoặc bấm phím 1–5" only for inputs this kiosk has
    (GPIO buttons are named as buttons even beside a keypad: they are what is mounted)."""
    hint = text("touch_officer" if officers else "touch_face", language)
    other = "or_buttons" if inputs.buttons else "or_keypad" if inputs.keypad else ""
    if other:
        hint += text(other, language) + (text("rate_in_general", language) if officers else "")
    return hint


def build(c: KioskController, language: str, failure: str = "", *, inputs: Inputs = Inputs(),
          wake_notice: bool = False, privacy_words: Mapping[str, str] | None = None,
          privacy_open: bool = False) -> ScreenModel:
    model = _build(c, language, failure, inputs, wake_notice)
    if model.phase is not Phase.IDLE:
        return model  # never over a session, never on the thanks screen
    words = privacy.notice(privacy_words or {}, language, model.unit)
    return replace(model, privacy_line=words["button"], privacy_title=words["title"],
                   privacy_text=words["text"], privacy_open=privacy_open)


def _build(c: KioskController, language: str, failure: str, inputs: Inputs, wake_notice: bool) -> ScreenModel:
    phase = c.flow.phase
    unit = c.unit_name() or text("default_unit", language)
    if phase is Phase.THANKS:
        # The same words for every score, and nothing to touch: an officer watching learns
        # nothing, and a second tap by an unsure citizen does nothing at all.
        qr_url = c.thanks_qr_url or c.settings.get("qr_url") or None
        body = text("thanks_body", language)
        invite = portal.line(c.settings.get("portal_invite"), language)  # NĐ 118 Điều 31.1.c, optional
        return ScreenModel(phase, THANKS, unit, f"{body}\n\n{invite}" if invite else body,
                           text("thanks_title", language), hint=failure, qr_url=qr_url,
                           qr_caption=text("qr_hint", language) if qr_url else "")
    warning = c.flow.timeout_warning
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
        return ScreenModel(phase, REASONS, unit, text("reasons_hint", language),
                           text("reasons_title", language), choices=choices, left=_control(SKIP, language),
                           right=_control(DONE, language), hint=failure, timeout_warning=warning)
    if phase is Phase.PROCEDURE:
        return _procedure_step(c, language, unit, subtitle, failure, warning)
    if phase is Phase.IDLE and wake_notice:
        hint, notice = text("wake_notice", language), True
    else:
        idle_stats = stats_hint(c, language) if phase is Phase.IDLE and c.show_stats else ""
        hint, notice = failure or idle_stats, False
    if phase is Phase.IDLE and c.mode == "shared" and c.officers_to_choose():
        choices = tuple(Choice(o["code"], o["name"], detail=o.get("title") or "",
                               photo=c.officer_photo(o["code"]) or "")
                        for o in c.officers_to_choose())
        return ScreenModel(phase, OFFICERS, unit, "", text("choose_officer", language), choices=choices,
                           hint=hint or input_hint(inputs, language, officers=True), notice=notice)

    hint = hint or input_hint(inputs, language)
    total = len(c.flow.questions)
    if phase is Phase.ASKING and total == 1:
        # Shared mode's one question after the officer: no "Câu 1/1", no "Xong" with nothing
        # to finish; the way out is back to the officers, and nothing is stored.
        return ScreenModel(phase, FACES, unit, subtitle, c.question_text(0, language),
                           left=_control(CHOOSE_AGAIN, language), hint=hint,
                           timeout_warning=warning)
    if phase is Phase.ASKING:
        index = c.flow.question_index
        progress = text("question_progress", language, n=index + 1, total=total)
        if c.flow.asking_yes_no:
            choices = (Choice(YES, text("yes", language)), Choice(NO, text("no", language)))
            return ScreenModel(phase, YES_NO, unit, subtitle, c.question_text(index, language),
                               progress=progress, choices=choices, left=_control(SKIP, language),
                               right=_control(DONE, language), hint=failure or text("touch_yes_no", language),
                               timeout_warning=warning)
        return ScreenModel(phase, FACES, unit, subtitle, c.question_text(index, language), progress=progress,
                           left=_control(SKIP, language), right=_control(DONE, language), hint=hint,
                           timeout_warning=warning)
    return ScreenModel(phase, FACES, unit, subtitle, c.question_text(0, language), hint=hint, notice=notice)


def _control(action: str, language: str) -> Control:
    return Control(action, text(action, language))


def _procedure_step(c: KioskController, language: str, unit: str, subtitle: str, failure: str,
                    warning: bool) -> ScreenModel:
    """The officer's own procedures, "Thủ tục khác…" to every procedure by field a page at a
    time, and "Khác / không rõ" (no procedure) always last."""
    view = c.procedures.view()
    left = right = None
    if view is None:
        items = c.procedures.choices()
        if c.procedures.more():
            right = Control(MORE, text("procedure_more", language))
    else:
        items = list(view.items)
        field = view.field or text("procedure_no_field", language)
        subtitle = text("procedure_page", language, field=field, n=view.number, total=view.total)
        if view.number > 1 or c.procedures.choices():
            left = Control(BACK, text("procedure_back", language))
        if view.number < view.total:
            right = Control(NEXT, text("procedure_next", language))
    choices = tuple(Choice(p["code"], p["name"]) for p in items)
    choices += (Choice(OTHER, text("procedure_other", language)),)
    return ScreenModel(Phase.PROCEDURE, PROCEDURES, unit, subtitle, text("procedure_title", language),
                       choices=choices, left=left, right=right, hint=failure, timeout_warning=warning)
