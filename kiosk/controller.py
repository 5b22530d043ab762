"""Binds the flow to the store and the roster: what the UI and the inputs talk to.

Pure (no Kivy, gpiozero or Flask). The roster pushed by the server is applied only at an idle
moment, never in the middle of a citizen's session.

The officer on duty: the roster's `kiosk.officers_on_duty` is the default. A technician may
choose another on the admin screen; that choice is kept in the store (it survives a restart),
written to the event log, and stays until a roster arrives whose officers_on_duty differs from
the one the choice was made against (the office changed the duty: the newer word wins). A
roster that only changes other things (a new procedure, a photo) leaves the local choice alone.

The procedure step's lists and pages are kiosk.procedures' (`controller.procedures`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from kiosk import assist
from kiosk.dossier import DossierMark
from kiosk.flow import BURST_FLAG, Clock, Outcome, Phase, RatingFlow, Submission
from kiosk.photos import PhotoStore
from kiosk.procedures import ProcedureStep
from kiosk.shared import dossier as dossier_format
from kiosk.shared import qrticket
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE, YES_NO, question_type, roster_photos
from kiosk.stats import DeskStats, MonthStats
from kiosk.store import Store

log = logging.getLogger(__name__)

THANKS_QR_S = 20.0  # with a QR code on the thanks screen: time to take a phone out
PHOTO_CHECK_S = 2.0  # how often the idle officer grid looks for photos that have just arrived
LOCAL_DUTY_KEY = "local_officers_on_duty"  # store meta: {"officers": [...], "roster_duty": [...]}


class KioskController:
    def __init__(
        self,
        store: Store,
        *,
        cooldown_s: float,
        thanks_s: float,
        inactivity_s: float,
        clock: Clock = time.monotonic,
        burst_action: str = "ignore",
        thanks_qr_s: float = THANKS_QR_S,
        assist_window_s: float = assist.DEFAULT_WINDOW_S,
        dossier_pattern: re.Pattern[str] | None = None,
        dossier_window_s: float = assist.DEFAULT_WINDOW_S,
    ) -> None:
        self.store = store
        self.photos = PhotoStore(store.path.parent / "photos")  # where the kiosk API keeps them
        self._clock = clock
        self._photos_held, self._next_photo_check = 0, 0.0
        self.roster: dict[str, Any] | None = None
        self.questionnaire: dict[str, Any] = BUILTIN_QUESTIONNAIRE
        self._base_cooldown_s = cooldown_s
        self._base_thanks_s = thanks_s
        self._thanks_qr_s = thanks_qr_s
        self.flow = RatingFlow(
            [q["code"] for q in BUILTIN_QUESTIONNAIRE["questions"]],
            self._record,
            cooldown_s=cooldown_s,
            thanks_s=thanks_s,
            inactivity_s=inactivity_s,
            clock=clock,
            burst_action=burst_action,
        )
        self.listeners: list[Callable[[], None]] = []
        self.assist = assist.AssistMark(assist_window_s, clock=clock)
        # [dossier] on: the scanned dossier code waiting for this rating (kiosk.dossier); None: off.
        self.dossier_pattern = dossier_pattern
        self.dossier = DossierMark(dossier_window_s, clock=clock)
        # Set by the app to the kiosk's API token: the thanks screen's QR code then carries a
        # single-use ticket signed with it (kiosk.shared.qrticket), made once per response.
        self.qr_ticket_key: str | None = None
        self.thanks_qr_url: str | None = None
        self._roster_saves_seen = -1  # forces the first look at the stored roster
        self.month_stats = MonthStats(store, self._first_question_code)
        self._local: dict[str, list[str]] | None = None  # the admin screen's duty choice
        self.procedures = ProcedureStep(self.flow, lambda: self.roster, self.officer, self._changed)
        self.apply_roster_if_idle()

    # --- roster -----------------------------------------------------------------------
    @property
    def roster_version(self) -> int:
        return int(self.roster["version"]) if self.roster else 0

    @property
    def settings(self) -> dict[str, Any]:
        return self.roster.get("kiosk", {}) if self.roster else {}

    @property
    def mode(self) -> str:
        """'counter': the officer on duty is preset; 'shared': the citizen picks the officer."""
        return self.settings.get("mode", "counter")

    def apply_roster_if_idle(self) -> bool:
        """Apply a newer stored roster when no session is in progress."""
        if self.flow.in_session or self.store.roster_saves == self._roster_saves_seen:
            return False
        self._roster_saves_seen = self.store.roster_saves
        stored = self.store.roster()
        if not stored or stored.get("version") == self.roster_version:
            return False
        questionnaire = stored.get("questionnaire") or BUILTIN_QUESTIONNAIRE
        reasons = [r["code"] for r in questionnaire.get("reasons", [])]
        yes_no = [q["code"] for q in questionnaire["questions"] if question_type(q) == YES_NO]
        if not self.flow.set_questions([q["code"] for q in questionnaire["questions"]], reasons, yes_no):
            return False
        self.roster, self.questionnaire = stored, questionnaire
        # Photos no roster names any more leave the card (a withdrawn permission included).
        named = roster_photos(stored).values()
        self.photos.prune(named)
        self._photos_held = len(named) - len(self.photos.missing(named))
        settings = self.settings
        self.flow.cooldown_s = float(settings.get("cooldown_s", self._base_cooldown_s))
        self.flow.ask_procedure = bool(settings.get("ask_procedure", False))
        # With a QR code on the thanks screen, a citizen needs time to take a phone out; a key
        # or button press during the thanks screen still starts the next session at once.
        self.flow.thanks_s = max(self._base_thanks_s, self._thanks_qr_s) if settings.get("qr_url") \
            else self._base_thanks_s
        self._reconcile_local_duty()
        self._apply_duty()
        self.procedures.count_uses(self.store)
        if self.show_stats:
            self.month_stats.reload()  # the first question may have changed with the questionnaire
        log.info("roster version %s applied (%s mode, questionnaire %s v%s)", stored["version"],
                 self.mode, questionnaire["id"], questionnaire["version"])
        self.log_event("roster_applied", version=stored["version"], questionnaire=questionnaire["id"],
                       questionnaire_version=questionnaire["version"])
        return True

    def log_event(self, kind: str, **detail: Any) -> None:
        """Write to the kiosk's event log (the minutes); a failure there never blocks a rating."""
        try:
            self.store.log_event(kind, **detail)
        except Exception:
            log.exception("could not log the %s event", kind)

    # --- officer on duty ------------------------------------------------------------------
    def _roster_duty(self) -> list[str]:
        return list(self.settings.get("officers_on_duty", []))

    def local_duty(self) -> list[str] | None:
        """The officers chosen on the admin screen, or None when the roster's list applies."""
        return list(self._local["officers"]) if self._local else None

    def _reconcile_local_duty(self) -> None:
        raw = self.store.meta(LOCAL_DUTY_KEY)
        self._local = json.loads(raw) if raw else None
        if self._local and self._local["roster_duty"] != self._roster_duty():
            self.store.set_meta(LOCAL_DUTY_KEY, "")
            self._local = None
            log.info("the roster changed officers_on_duty: the admin screen's choice is dropped")
            self.log_event("duty_reset", officers=self._roster_duty(), version=self.roster_version)

    def _apply_duty(self) -> None:
        on_duty = self.officers_on_duty()
        # A response names an officer only when it is certain who served: never a guess.
        self.flow.default_officer = (on_duty[0]["code"] if self.mode == "counter" and len(on_duty) == 1
                                     else None)

    def set_duty(self, codes: list[str] | None) -> bool:
        """The admin screen's choice (None: back to the roster's list). Only between sessions,
        only officers of the roster; kept in the store and written to the event log."""
        if self.flow.in_session or not self.roster:
            return False
        known = {o["code"] for o in self.roster.get("officers", [])}
        if codes is not None and not all(c in known for c in codes):
            return False
        self._local = None if codes is None else {"officers": list(codes), "roster_duty": self._roster_duty()}
        self.store.set_meta(LOCAL_DUTY_KEY, json.dumps(self._local) if self._local else "")
        self.log_event("duty_set", officers=list(codes) if codes is not None else self._roster_duty(),
                       source="admin" if codes is not None else "roster")
        self._apply_duty()
        self._changed()
        return True

    def officers_on_duty(self) -> list[dict[str, Any]]:
        if not self.roster:
            return []
        by_code = {o["code"]: o for o in self.roster.get("officers", [])}
        local = self.local_duty()
        codes = local if local is not None else self._roster_duty()
        return [by_code[c] for c in codes if c in by_code]

    # --- this month's figures for the idle screen --------------------------------------------
    @property
    def show_stats(self) -> bool:
        return bool(self.settings.get("show_stats", False))

    def _first_question_code(self, questionnaire_id: str | None) -> str | None:
        if questionnaire_id == self.questionnaire["id"]:
            return self.questionnaire["questions"][0]["code"]
        known = PRESETS.get(questionnaire_id or "") or (
            BUILTIN_QUESTIONNAIRE if questionnaire_id == BUILTIN_QUESTIONNAIRE["id"] else None)
        return known["questions"][0]["code"] if known else None

    def desk_stats(self) -> DeskStats:
        """This month at this kiosk: the one officer on duty's responses, or with none or
        several on duty (responses then name nobody) every response of the desk."""
        on_duty = self.officers_on_duty()
        return self.month_stats.for_desk([on_duty[0]["code"]] if len(on_duty) == 1 else None)

    def officers_to_choose(self) -> list[dict[str, Any]]:
        """Shared mode: the officers a citizen picks from (those on duty, else all active)."""
        if not self.roster:
            return []
        return self.officers_on_duty() or [o for o in self.roster.get("officers", [])
                                           if o.get("active", True)]

    def officer(self, code: str | None) -> dict[str, Any] | None:
        if not self.roster or code is None:
            return None
        return next((o for o in self.roster.get("officers", []) if o["code"] == code), None)

    def officer_photo(self, code: str) -> str | None:
        """The file of the officer's photo when the roster shows one and the server has sent
        it (until then the button shows the name alone)."""
        sha = roster_photos(self.roster).get(code)
        path = self.photos.path(sha) if sha else None
        return str(path) if path else None

    def unit_name(self) -> str:
        return self.roster["unit"]["name"] if self.roster else ""

    def question_text(self, index: int, language: str = "vi") -> str:
        return _localized(self.questionnaire["questions"][index]["text"], language)

    def reason_choices(self, language: str = "vi") -> list[tuple[str, str]]:
        return [(r["code"], _localized(r["text"], language)) for r in self.questionnaire.get("reasons", [])]

    # --- events from the inputs ---------------------------------------------------------
    def press(self, score: int, channel: str) -> Outcome:
        outcome = self.flow.press(score, channel)
        if outcome is Outcome.IGNORED_COOLDOWN:
            # Never dropped without a trace: the minutes show how many and when.
            self.log_event("cooldown_drop", channel=channel, cooldown_s=self.flow.cooldown_s)
        return self._notify(outcome)

    def answer_yes_no(self, value: bool) -> Outcome:
        return self._notify(self.flow.answer_yes_no(value))

    def choose_officer(self, code: str) -> Outcome:
        outcome = self.flow.choose_officer(code)
        if outcome is Outcome.IGNORED_COOLDOWN:
            self.log_event("cooldown_drop", channel="touch", cooldown_s=self.flow.cooldown_s)
        return self._notify(outcome)

    def cancel(self) -> Outcome:
        return self._notify(self.flow.cancel())

    def keep_alive(self) -> Outcome:
        return self._notify(self.flow.keep_alive())

    def toggle_reason(self, code: str) -> Outcome:
        return self._notify(self.flow.toggle_reason(code))

    def choose_procedure(self, code: str | None) -> Outcome:
        return self._notify(self.flow.choose_procedure(code))

    def skip(self) -> Outcome:
        return self._notify(self.flow.skip())

    def done(self) -> Outcome:
        return self._notify(self.flow.done())

    def tick(self) -> bool:
        changed = self.flow.tick()
        if self.flow.phase is Phase.IDLE and self.apply_roster_if_idle():
            changed = True
        if self.flow.phase is Phase.IDLE and self._photos_arrived():
            changed = True
        if changed:
            self._changed()
        return changed

    # --- internals ----------------------------------------------------------------------
    def _photos_arrived(self) -> bool:
        """True when a photo the roster names has reached the card since the last look (the server
        sends them after the roster): the officer grid then shows it without waiting for a touch.
        Looked at every PHOTO_CHECK_S, and only while some named photo is still missing."""
        now = self._clock()
        if self.mode != "shared" or now < self._next_photo_check:
            return False
        self._next_photo_check = now + PHOTO_CHECK_S
        named = roster_photos(self.roster).values()
        held = len(named) - len(self.photos.missing(named)) if self._photos_held < len(named) else len(named)
        arrived, self._photos_held = held > self._photos_held, held
        return arrived

    def _record(self, submission: Submission) -> dict[str, Any]:
        fields = {
            "officer": submission.officer,
            "procedure": submission.procedure,
            "questionnaire": self.questionnaire["id"],
            "questionnaire_version": int(self.questionnaire["version"]),
            "answers": submission.answers,
            "reasons": list(submission.reasons),
            "channel": submission.channel,
            "partial": submission.partial,
            # The officer's mark (kiosk.assist): never shown, stored as a flag older servers keep.
            "flags": list(submission.flags) + ([assist.FLAG] if self.assist.take() else []),
        }
        if submission.yes_no:  # only then: every other response keeps the body it always had
            fields["yes_no"] = submission.yes_no
        stored = self.store.append(fields, dossier=self.dossier.take())
        self.thanks_qr_url = self._qr_url(stored["uuid"])
        if submission.procedure:
            self.procedures.used(submission.officer, submission.procedure)
        self.month_stats.record(stored)
        if BURST_FLAG in submission.flags:
            self.log_event("burst", seq=stored["seq"], channel=submission.channel,
                           cooldown_s=self.flow.cooldown_s)
        return stored

    def mark_assisted(self) -> None:
        """The officer's assist key or button: the rating being given (or the next) is assisted.
        Nothing changes on the screen; the event log says when."""
        self.assist.arm()
        self.log_event("assist_marked")

    def attach_dossier(self, raw: str) -> bool:
        """A code from the scanner: kept for the rating being given (or the next) when it has
        the unit's format. Nothing changes on the screen; the event log says that a code was
        taken or refused, never the code."""
        code = dossier_format.normalise(raw, self.dossier_pattern) if self.dossier_pattern else None
        if code is None:
            self.log_event("dossier_refused", length=len(raw))
            return False
        self.dossier.arm(code)
        self.log_event("dossier_attached")
        return True

    def _qr_url(self, response_uuid: str) -> str | None:
        """The thanks screen's QR address: the roster's qr_url, with a fresh ticket when signing.
        The ticket names the response just recorded (version 2), so the phone adds to this visit
        instead of rating it a second time."""
        url = self.settings.get("qr_url") or None
        if url and self.qr_ticket_key:
            return qrticket.ticket_url(url, self.store.kiosk_id, self.qr_ticket_key, time.time(),
                                       response=response_uuid)
        return url

    def _notify(self, outcome: Outcome) -> Outcome:
        self._changed()
        return outcome

    def _changed(self) -> None:
        if self.flow.phase is not Phase.PROCEDURE:
            self.procedures.page = None  # the next procedure step starts at the officer's own list
        for listener in self.listeners:
            listener()


def _localized(text: dict[str, str], language: str) -> str:
    return text.get(language) or text["vi"]
