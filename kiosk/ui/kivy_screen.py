"""The kiosk's screen: renders a ScreenModel (kiosk.ui.screen_model), and nothing else decides.

    idle / a question:  header (unit or "Câu 2/5", officer, question), five faces, footer
    officer grid, follow-up chips, procedures: header, a grid of large buttons, footer
    thanks:             a screen of its own (kivy_thanks.ThanksView), nothing under it
    time-out warning:   over any step (kivy_overlays.TimeoutOverlay)
    privacy notice:     a button in the idle screen's top-left corner (the language button's twin);
                        the full text over the screen when touched

Honest as a ballot box: nothing on the screen after a press shows which face was chosen. A new
question slides in with its header, the same for every score, so a citizen sees that the tap
counted and that this is the next question.
"""

from __future__ import annotations

from typing import Any

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics import Color, PopMatrix, PushMatrix, Rectangle, RoundedRectangle, Translate
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.flow import Phase
from kiosk.shared.faces import BACKGROUND, BUTTON, BUTTON_CHOSEN, ERROR, INK, PROGRESS
from kiosk.ui import kivy_admin, screen_model
from kiosk.ui.kivy_officer import OfficerButton
from kiosk.ui.kivy_overlays import PrivacyOverlay, TimeoutOverlay
from kiosk.ui.kivy_thanks import ThanksView
from kiosk.ui.kivy_widgets import MIN_TEXT_PX, MIN_TOUCH_PX, FaceButton, fit_font, make_button
from kiosk.ui.strings import text

SLIDE_S = 0.35  # a new question's header slides in from the right and fades in
# Share of the height above the footer for the header, by what the middle holds: the faces keep
# the most room; a grid of buttons needs its rows of at least MIN_TOUCH_PX.
HEADER_SHARE = {screen_model.FACES: 0.30, screen_model.OFFICERS: 0.18, screen_model.REASONS: 0.29,
                screen_model.PROCEDURES: 0.29, screen_model.YES_NO: 0.30}
PROGRESS_SHARE = 0.03  # more header for "Câu 2/5" in large print


class Header(BoxLayout):
    """The header lines, drawn shifted by `slide` pixels (a canvas translation: no relayout)."""

    slide = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            PushMatrix()
            self._shift = Translate(0, 0)
        with self.canvas.after:
            PopMatrix()

    def on_slide(self, _instance: Any, value: float) -> None:
        self._shift.x = value


class KioskScreen(FloatLayout):
    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        lang = app.language
        with self.canvas.before:
            Color(*BACKGROUND, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout)

        ink = (*INK, 1)
        self.column = BoxLayout(orientation="vertical")
        self.header = Header(orientation="vertical", size_hint_y=0.30, padding=(16, 4))
        # One line each; a name too long for the screen ends in "…" rather than spilling over.
        self.unit = Label(color=ink, size_hint_y=0.25, max_lines=1, shorten=True, shorten_from="right")
        self.officer = Label(color=ink, size_hint_y=0.25, max_lines=1, shorten=True, shorten_from="right")
        self.question = Label(color=ink, bold=True, halign="center", valign="middle", size_hint_y=0.5)
        self._fit_question = Clock.create_trigger(lambda _dt: fit_font(self.question, self.question_font), 0)
        self.question.bind(size=lambda *_: self._fit_question(), text=lambda *_: self._fit_question())
        for label in (self.unit, self.officer, self.question):
            self.header.add_widget(label)

        order = (5, 4, 3, 2, 1) if app.cfg.best_first else (1, 2, 3, 4, 5)
        self.middle = BoxLayout(size_hint_y=0.60, padding=(8, 4))
        self.faces_row = BoxLayout(orientation="horizontal", spacing=4)
        self.faces = {s: FaceButton(s, app.touch.on_score, lang) for s in order}
        for score in order:
            self.faces_row.add_widget(self.faces[score])
        self.choices_grid = GridLayout(spacing=8)
        self._choices_shown: tuple = ()
        self.choice_buttons: dict[str, Widget] = {}

        self.footer = BoxLayout(orientation="horizontal", size_hint_y=None, padding=(16, 4), spacing=16)
        self.hint = Label(color=ink, halign="center", valign="middle", size_hint_x=0.5)
        with self.hint.canvas.before:
            self._notice_colour = Color(*BUTTON_CHOSEN, 0)
            self._notice_box = RoundedRectangle(pos=self.hint.pos, size=self.hint.size, radius=[12])
        self.hint.bind(pos=self._draw_notice, size=self._draw_notice)
        self.left_button = make_button("", BUTTON, lambda: self._control(self.left_button))
        self.right_button = make_button("", BUTTON_CHOSEN, lambda: self._control(self.right_button))
        self.left_spacer, self.right_spacer = Widget(), Widget()
        for widget in (self.left_button, self.right_button, self.left_spacer, self.right_spacer):
            widget.size_hint_x = 0.25
        self.left_button.action = self.right_button.action = ""

        self.column.add_widget(self.header)
        self.column.add_widget(self.middle)
        self.column.add_widget(self.footer)
        self.add_widget(self.column)
        self.thanks = ThanksView()
        self.language_button = make_button(text("other_language", lang), BUTTON, app.touch.on_toggle_language)
        self.language_button.size_hint = (None, None)
        self.add_widget(self.language_button)
        self.overlay = TimeoutOverlay(app.touch.on_continue)
        self.privacy_button = make_button("", BUTTON, lambda: app.touch.on_privacy(True))
        self.privacy_button.size_hint = (None, None)
        self.privacy_button.halign = "center"
        self.privacy_button.bind(size=lambda b, _s: setattr(b, "text_size", (max(1, b.width - 12), None)))
        self.privacy_overlay = PrivacyOverlay(lambda: app.touch.on_privacy(False))
        # Its two short lines as large as the language switch's word, smaller when they must be.
        self._fit_privacy = Clock.create_trigger(
            lambda _dt: fit_font(self.privacy_button, self.language_button.font_size, 6), 0)
        self.model: screen_model.ScreenModel | None = None
        self.question_font = MIN_TEXT_PX * 1.15
        self.body_font = float(MIN_TEXT_PX)
        self.slides = 0  # how many new questions slid in (the geometry dump tells the tests)
        self._question_key: tuple = ()

    # --- touches that are not the widgets' -------------------------------------------------
    def on_touch_down(self, touch) -> bool:
        corner = kivy_admin.CORNER_PX
        if (self.app.admin.lock is not None and touch.x < self.x + corner
                and touch.y > self.top - corner):
            # A long press on the top-left corner opens the technician's PIN pad.
            touch.ud["admin_long_press"] = Clock.schedule_once(lambda _dt: self.app.admin.open_pin_pad(),
                                                               kivy_admin.LONG_PRESS_S)
            return True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch) -> bool:
        event = touch.ud.pop("admin_long_press", None)
        if event is not None:
            short = event.is_triggered  # released before the long press opened the PIN pad
            event.cancel()
            privacy = self.privacy_button
            if short and privacy.parent is not None and privacy.collide_point(*touch.pos):
                self.app.touch.on_privacy(True)  # a tap on the privacy button in the admin's corner
            return True
        return super().on_touch_up(touch)

    def _control(self, button: Button) -> None:
        self.app.touch.on_control(button.action)

    # --- layout ------------------------------------------------------------------------------
    def _layout(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        h = max(self.height, 1)
        # Sized by the short side, so a portrait panel does not get giant words in a narrow column.
        short = min(h, self.width * 0.6)
        body = max(MIN_TEXT_PX, short * 0.045)
        self.body_font = body
        self.unit.font_size = body
        self.question_font = max(MIN_TEXT_PX * 1.15, short * 0.065)
        self.question.font_size = self.question_font
        self.hint.font_size = body
        for label in (self.question, self.hint):
            label.halign = "center"
        self.question.text_size = (self.width - 48, None)
        self.officer.halign = "center"
        for button in (self.left_button, self.right_button, *self.choice_buttons.values()):
            button.font_size = body
        # 15 mm on a 7" 800x480 panel is about 80 px: the smallest touch target here.
        self.language_button.size = (max(170, self.width * 0.16), max(MIN_TOUCH_PX, h * 0.1))
        self.language_button.font_size = body * 0.9
        self.language_button.pos = (self.right - self.language_button.width - 8,
                                    self.top - self.language_button.height - 8)
        # Its twin in the other corner: the privacy notice (a long press there is still the PIN pad).
        self.privacy_button.size = self.language_button.size
        self.privacy_button.pos = (self.x + 8, self.language_button.y)
        self._fit_privacy()
        # Portrait panels stack the five faces; landscape ones line them up.
        self.faces_row.orientation = "vertical" if self.height > self.width else "horizontal"
        self._size_unit()
        self._size_hint_label()
        if self.model is not None:
            self._size_rows(self.model)

    def _size_unit(self) -> None:
        # The unit's name must not run under the buttons in the corners: centred between equal
        # margins when there is room, else left-aligned beside the language button (portrait,
        # when no privacy button is in the other corner).
        if self.height > self.width and self.privacy_button.parent is None:
            self.unit.halign = "left"
            self.unit.text_size = (max(50, self.width - self.language_button.width - 40), None)
        else:
            self.unit.halign = "center"
            self.unit.text_size = (max(50, self.width - 2 * self.language_button.width - 24), None)
        self.officer.text_size = self.unit.text_size  # the officer line sits beside the button too

    def _size_hint_label(self) -> None:
        notice = bool(self.model and self.model.notice)
        self.hint.bold = notice
        self.hint.font_size = self.body_font * (1.25 if notice else 1)
        self.hint.text_size = (max(1, self.hint.width - 24), None)
        self._notice_colour.a = 1 if notice else 0
        # White on the blue box for the notice (contrast pair "chosen / Xong button text").
        self.hint.color = (1, 1, 1, 1) if notice else (*ERROR, 1) if self.app.failure_shown else (*INK, 1)

    def _draw_notice(self, *_args: Any) -> None:
        self._notice_box.pos, self._notice_box.size = self.hint.pos, self.hint.size
        self._size_hint_label()
        if self.model is not None:
            self._size_footer(self.model)  # the hint's lines at its new width

    def _size_rows(self, model: screen_model.ScreenModel) -> None:
        portrait = self.height > self.width
        # "Câu 2/5" takes the unit's line, larger and in colour; the header grows a little for it.
        share = HEADER_SHARE[model.middle] + (PROGRESS_SHARE if model.progress else 0)
        if portrait and model.middle != screen_model.FACES:
            share += 0.05  # a narrow header wraps its lines; the stacked faces keep their room
        self.header.size_hint_y, self.middle.size_hint_y = share, 0.90 - share
        roomy = model.middle == screen_model.FACES and not model.progress  # the idle screen
        small = self.body_font * (1.1 if roomy else 1)
        # No officer line (shared mode's grid): its room goes to the question.
        self.officer.size_hint_y = (0.22 if model.progress else 0.25) if model.subtitle else 0.01
        self.officer.font_size = small
        self.unit.bold = bool(model.progress)
        self.unit.color = (*PROGRESS, 1) if model.progress else (*INK, 1)
        self.unit.font_size = self.question_font * 1.05 if model.progress else self.body_font
        # Without an officer line (the officer grid) the unit and the question share the header.
        self.unit.size_hint_y = 0.30 if model.progress else 0.25 if model.subtitle else 0.40
        self.question.size_hint_y = 0.48 if model.progress else 0.5 if model.subtitle else 0.60
        self._size_footer(model)

    def _size_footer(self, model: screen_model.ScreenModel) -> None:
        """Tall enough for its buttons (MIN_TOUCH_PX); without any, just what the hint needs,
        so that a grid of officers keeps the room for three lines a tile."""
        if model.left or model.right:
            self.footer.height = max(MIN_TOUCH_PX + 8, self.height * 0.12)
            return
        self.hint.texture_update()
        lines = max(self.hint.texture_size[1], self.hint.font_size * 1.25)
        self.footer.height = max(lines + 16, self.height * 0.1)

    # --- what shows ---------------------------------------------------------------------------
    def show(self, model: screen_model.ScreenModel, language: str) -> None:
        self.model = model
        for face in self.faces.values():
            face.set_language(language)
        self.language_button.text = text("other_language", language)
        # The language switch only where a citizen starts.
        self._attach(self.language_button, model.phase is Phase.IDLE)
        if model.middle == screen_model.THANKS:
            self._show_thanks(model)
        else:
            self._show_step(model)
        self._attach(self.overlay, model.timeout_warning)
        if model.timeout_warning:
            self.overlay.show(text("timeout_title", language), text("timeout_continue", language))
        if self.privacy_button.text != model.privacy_line:
            self.privacy_button.text = model.privacy_line
            self._fit_privacy()
        self._attach(self.privacy_button, bool(model.privacy_line))
        self._size_unit()
        self._attach(self.privacy_overlay, model.privacy_open)
        if model.privacy_open:
            self.privacy_overlay.show(model.privacy_title, model.privacy_text,
                                      text("privacy_close", language))

    def _attach(self, widget: Widget, shown: bool) -> None:
        if shown and widget.parent is None:
            self.add_widget(widget)  # on top of what is there
        elif not shown and widget.parent is not None:
            self.remove_widget(widget)

    def _show_thanks(self, model: screen_model.ScreenModel) -> None:
        # In place of everything: the faces and the officer grid are not under it, not hidden.
        self._attach(self.column, False)
        self._attach(self.thanks, True)
        self.thanks.show(model.title, model.subtitle, model.qr_url, model.qr_caption)
        self._question_key = ()

    def _show_step(self, model: screen_model.ScreenModel) -> None:
        self._attach(self.thanks, False)
        if self.column.parent is None:
            self.add_widget(self.column, index=len(self.children))  # under the language button
        self.unit.text = model.progress or model.unit
        self.officer.text, self.question.text = model.subtitle, model.title
        self._size_rows(model)
        self.middle.clear_widgets()
        if model.middle == screen_model.FACES:
            self.middle.add_widget(self.faces_row)
        else:
            self._show_choices(model)
            self.middle.add_widget(self.choices_grid)
        self._show_footer(model)
        key = (model.phase, model.progress, model.title)
        if model.progress and key != self._question_key:
            self._slide_in()
        self._question_key = key if model.progress else ()

    def _slide_in(self) -> None:
        Animation.cancel_all(self.header)
        self.header.slide, self.header.opacity = self.width * 0.25, 0.0
        Animation(slide=0, opacity=1, d=SLIDE_S, t="out_cubic").start(self.header)
        self.slides += 1

    def _show_footer(self, model: screen_model.ScreenModel) -> None:
        self.footer.clear_widgets()
        for button, control in ((self.left_button, model.left), (self.right_button, model.right)):
            if control is not None:
                button.text, button.action = control.label, control.action
        buttons = model.left or model.right
        # With one button, a spacer on the other side keeps the hint in the middle; with none,
        # the hint has the whole width (the month's figures on the idle screen need it).
        if buttons:
            self.footer.add_widget(self.left_button if model.left else self.left_spacer)
        self.footer.add_widget(self.hint)
        if buttons:
            self.footer.add_widget(self.right_button if model.right else self.right_spacer)
        self.hint.size_hint_x = 0.5 if buttons else 1
        self.hint.text = model.hint
        self._size_hint_label()
        self._size_footer(model)

    def _show_choices(self, model: screen_model.ScreenModel) -> None:
        if (model.middle, model.choices) == self._choices_shown:
            return
        self._choices_shown = (model.middle, model.choices)
        self.choices_grid.clear_widgets()
        self.choice_buttons = {}
        count = len(model.choices)
        self.choices_grid.cols = 2 if count <= 8 else 3
        touch = self.app.touch
        on_choose = {screen_model.REASONS: touch.on_reason, screen_model.PROCEDURES: touch.on_procedure,
                     screen_model.OFFICERS: touch.on_officer,
                     screen_model.YES_NO: touch.on_yes_no}[model.middle]
        for choice in model.choices:
            if model.middle == screen_model.OFFICERS:
                widget: Widget = OfficerButton(choice.label, choice.detail,
                                               lambda code=choice.code: on_choose(code), self.body_font,
                                               photo=choice.photo)
            else:
                # Có / Không: as big as the question; every other choice in the body's size.
                font = self.question_font * 1.3 if model.middle == screen_model.YES_NO else self.body_font
                widget = self._choice_button(choice, lambda code=choice.code: on_choose(code), font)
            self.choice_buttons[choice.code] = widget
            self.choices_grid.add_widget(widget)

    def _choice_button(self, choice: screen_model.Choice, on_release, font: float) -> Button:
        # Roster text is escaped: a name with [b] or & must show as typed. The tick comes from
        # DejaVu Sans (bundled with Kivy); Roboto has no such glyph.
        label = escape_markup(choice.label)
        if choice.selected:
            label = f"[font=DejaVuSans]\u2714[/font] {label}"
        button = make_button(label, BUTTON_CHOSEN if choice.selected else BUTTON, on_release)
        button.markup = True
        button.font_size = font
        # A long procedure name gets a smaller font, down to MIN_TEXT_PX, rather than spilling.
        button.bind(size=lambda b, _size: Clock.schedule_once(lambda _dt: fit_font(b, font, 8)))
        return button

    def labels(self) -> dict[str, Label]:
        """Every text on screen now, by where it is (for the geometry dump's clipped list)."""
        shown: dict[str, Label] = {}
        if self.thanks.parent is not None:
            shown.update({f"thanks {i}": label for i, label in enumerate(self.thanks.labels())})
        else:
            shown.update({"unit": self.unit, "officer": self.officer, "question": self.question,
                          "hint": self.hint})
        if self.overlay.parent is not None:
            shown["overlay"] = self.overlay.title
        if self.privacy_overlay.parent is not None:
            shown["privacy title"] = self.privacy_overlay.title
            shown["privacy text"] = self.privacy_overlay.body
        return shown
