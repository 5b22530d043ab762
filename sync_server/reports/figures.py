"""Satisfaction from raw 1–5 counts, by each definition in official use. Pure: no database,
no Flask.

Raw scores are stored; every definition below is a view over the five counts, and every figure
shown says which definition it used (docs/reports.md has the sources):

- `survey`: share of 4–5 among the answers — the usual survey convention.
- `not_dissatisfied`: (all − answers of 1–2) / all — the "not dissatisfied" share of Decision
  766/QĐ-TTg: a 3 counts as satisfied here and not under `survey`.
- `three_level`: the public-service portals' three levels. Our mapping of the 1–5 scale, stated
  on every report: 5 → Rất hài lòng, 3–4 → Hài lòng, 1–2 → Không hài lòng (consistent with 766:
  only 1–2 are dissatisfied). Its headline share is Rất hài lòng + Hài lòng.
A skipped question is no answer: it is in no count (never imputed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sync_server.i18n import N_, Figure, Msg

DEFINITIONS = ("survey", "not_dissatisfied", "three_level")
DEFAULT_DEFINITION = "survey"
DEFAULT_TARGET_PCT = 90.0

# Short names for tables and charts, and the one-line rule printed under every figure.
# The rules are in words a chairman reads: the kiosk's levels by name, no decision numbers.
NAMES = {
    "survey": N_("Tỷ lệ hài lòng (mức 4–5)"),
    "not_dissatisfied": N_("Tỷ lệ từ Bình thường trở lên (mức 3–5)"),
    "three_level": N_("Ba mức: Rất hài lòng (5), Hài lòng (3–4), Không hài lòng (1–2)"),
}
RULES = {
    "survey": N_("Tỷ lệ hài lòng = số câu trả lời chọn mức 5 (Rất hài lòng) hoặc 4 (Hài lòng) / tổng số "
                 "câu trả lời."),
    "not_dissatisfied": N_("Tỷ lệ = số câu trả lời chọn mức 5, 4 hoặc 3 (Bình thường) / tổng số câu trả "
                           "lời: chỉ mức 2 (Không hài lòng) và 1 (Rất không hài lòng) bị trừ."),
    "three_level": N_("Ba mức quy đổi từ năm mức của ki-ốt: Rất hài lòng = mức 5; Hài lòng = mức 4 và 3; "
                      "Không hài lòng = mức 2 và 1. Tỷ lệ = Rất hài lòng + Hài lòng."),
}
# The three-level columns, shown only with `three_level`: each header says its mapping.
THREE_LEVEL_HEADERS = (N_("Ba mức: Rất hài lòng (mức 5)"), N_("Ba mức: Hài lòng (mức 4, 3)"),
                       N_("Ba mức: Không hài lòng (mức 2, 1)"))
# The five levels in the kiosk's words, best first, as every table shows them.
LEVELS = (N_("5 Rất hài lòng"), N_("4 Hài lòng"), N_("3 Bình thường"), N_("2 Không hài lòng"),
          N_("1 Rất không hài lòng"))


@dataclass(frozen=True)
class Counts:
    """How many answers scored 1, 2, 3, 4 and 5 (index 0 is score 1)."""

    n: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @classmethod
    def of(cls, n1: int, n2: int, n3: int, n4: int, n5: int) -> Counts:
        return cls((int(n1 or 0), int(n2 or 0), int(n3 or 0), int(n4 or 0), int(n5 or 0)))

    @classmethod
    def from_scores(cls, scores: Iterable[int]) -> Counts:
        n = [0] * 5
        for s in scores:
            n[s - 1] += 1
        return cls(tuple(n))  # type: ignore[arg-type]

    def __add__(self, other: Counts) -> Counts:
        return Counts(tuple(a + b for a, b in zip(self.n, other.n, strict=True)))  # type: ignore[arg-type]

    @property
    def total(self) -> int:
        return sum(self.n)

    @property
    def low(self) -> int:
        """Answers of 1–2: dissatisfied under every definition."""
        return self.n[0] + self.n[1]

    @property
    def mean(self) -> float | None:
        if not self.total:
            return None
        return sum((i + 1) * k for i, k in enumerate(self.n)) / self.total

    def three_level(self) -> tuple[int, int, int]:
        """(Rất hài lòng, Hài lòng, Không hài lòng) counts under our stated mapping."""
        return self.n[4], self.n[2] + self.n[3], self.low

    def pct(self, definition: str = DEFAULT_DEFINITION) -> float | None:
        """The headline satisfaction share, in percent, or None with no answers."""
        if not self.total:
            return None
        if definition == "survey":
            good = self.n[3] + self.n[4]
        elif definition in ("not_dissatisfied", "three_level"):
            good = self.total - self.low  # three_level: RHL + HL = 3–5, the same share
        else:
            raise ValueError(f"unknown satisfaction definition {definition!r}: one of {DEFINITIONS}")
        return 100.0 * good / self.total

    def below(self, target_pct: float, definition: str = DEFAULT_DEFINITION) -> bool:
        pct = self.pct(definition)
        return pct is not None and pct < target_pct


def target_note(target_pct: float) -> str:
    """The line under a table that says the target and how a row below it is marked."""
    return Msg(N_("Chỉ tiêu: %(target)s. Dòng có dấu ▼ sau tỷ lệ: dưới chỉ tiêu."),
               target=fmt_pct(target_pct))


def fmt_pct(value: float | None) -> str:
    """A share, one decimal ("92,5 %"; a page in English: "92.5%"); a dash when there is none."""
    return "—" if value is None else Figure(value, "pct")


def fmt_count(n: int) -> str:
    """A count with its thousands ("1.234"; a page in English: "1,234")."""
    return Figure(n, "count")


def fmt_mean(value: float | None) -> str:
    """A mean score, two decimals ("4,03"; a page in English: "4.03")."""
    return "—" if value is None else Figure(value, "mean")
