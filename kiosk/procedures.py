"""The procedure step (roster `kiosk.ask_procedure`): which procedures a citizen is offered.

First the session officer's fields' procedures, the kiosk's most used for that officer first;
"Thủ tục khác…" opens every procedure, grouped by field, a page at a time. Which page shows is
kept here, so the screen model stays pure. Pure (no Kivy, gpiozero or Flask).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.flow import Phase, RatingFlow
from kiosk.store import Store

PROCEDURES_PER_PAGE = 5  # plus "Khác / không rõ": six large buttons fit a 7" screen


@dataclass(frozen=True)
class ProcedurePage:
    """One page of the full procedure list: procedures of one field (None: without a field)."""

    field: str | None
    items: tuple[dict[str, Any], ...]
    number: int  # 1-based, over all pages
    total: int


class ProcedureStep:
    def __init__(self, flow: RatingFlow, roster: Callable[[], dict[str, Any] | None],
                 officer: Callable[[str | None], dict[str, Any] | None], changed: Callable[[], None]) -> None:
        self.flow = flow
        self._roster, self._officer, self._changed = roster, officer, changed
        self._uses: Counter[tuple[str | None, str]] = Counter()
        self.page: int | None = None  # None: the officer's own procedures first

    def _active(self) -> list[dict[str, Any]]:
        roster = self._roster()
        return [p for p in roster.get("procedures", []) if p.get("active", True)] if roster else []

    def choices(self) -> list[dict[str, Any]]:
        """The session officer's fields' procedures, most recorded here for that officer first,
        then in roster order; at most PROCEDURES_PER_PAGE. Empty when the officer is unknown or
        has no field: the full list is then shown at once."""
        officer = self._officer(self.flow.session_officer)
        fields = set(officer.get("fields", [])) if officer else set()
        procedures = self._active()
        position = {p["code"]: i for i, p in enumerate(procedures)}
        uses = self._uses

        def rank(p: dict[str, Any]) -> tuple[int, int]:
            return (-uses[(self.flow.session_officer, p["code"])], position[p["code"]])

        return sorted((p for p in procedures if p.get("field") in fields), key=rank)[:PROCEDURES_PER_PAGE]

    def more(self) -> bool:
        """Whether "Thủ tục khác…" has anything the officer's list does not show."""
        return len(self._active()) > len(self.choices())

    def pages(self) -> list[ProcedurePage]:
        """Every active procedure, grouped by field in the roster's order of fields (those without
        a known field last), PROCEDURES_PER_PAGE to a page; a page never mixes two fields."""
        roster = self._roster()
        if not roster:
            return []
        names = {f["code"]: f["name"] for f in roster.get("fields", [])}
        groups: dict[str | None, list[dict[str, Any]]] = {code: [] for code in names}
        groups[None] = []
        for p in self._active():
            groups[p.get("field") if p.get("field") in names else None].append(p)
        chunks = [(names.get(code) if code else None, items[i:i + PROCEDURES_PER_PAGE])
                  for code, items in groups.items() for i in range(0, len(items), PROCEDURES_PER_PAGE)]
        return [ProcedurePage(name, tuple(items), n, len(chunks))
                for n, (name, items) in enumerate(chunks, start=1)]

    def view(self) -> ProcedurePage | None:
        """The page of the full list on screen, or None for the officer's own procedures."""
        if self.page is None and self.choices():
            return None
        pages = self.pages()
        return pages[min(self.page or 0, len(pages) - 1)] if pages else None

    def show_page(self, page: int | None) -> None:
        """Page `page` (0-based) of the full list, or None for the officer's own procedures;
        a touch that keeps the session alive."""
        if self.flow.phase is not Phase.PROCEDURE:
            return
        last = len(self.pages()) - 1
        self.page = None if page is None or last < 0 else max(0, min(page, last))
        self.flow.keep_alive()
        self._changed()

    def step(self, action: str) -> None:
        """"more" (Thủ tục khác…: the full list), "next" page, "back" (the page before, or from
        the first page the officer's own list)."""
        view = self.view()
        if action == "more":
            self.show_page(0)
        elif action == "next" and view is not None:
            self.show_page(view.number)
        elif action == "back" and view is not None:
            self.show_page(view.number - 2 if view.number > 1 else None)

    def count_uses(self, store: Store) -> None:
        """How often each (officer, procedure) was recorded here: the most used come first."""
        self._uses = Counter()
        for response in store.responses_after(max(0, store.head()[0] - 5000), 5000):
            if response.get("procedure"):
                self._uses[(response.get("officer"), response["procedure"])] += 1

    def used(self, officer: str | None, procedure: str) -> None:
        self._uses[(officer, procedure)] += 1
