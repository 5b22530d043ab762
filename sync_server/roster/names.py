"""Officers' names as the reports print them: a name two officers share is followed by the
officer's code ("Nguyễn Văn An (nv-03)"), so that a signed report, whose figures feed officers'
grading, never leaves two people to be told apart by guesswork."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sync_server.db.models import Officer


def distinct(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{code: name}, with the code added after every name that more than one code bears (case and
    surrounding spaces ignored, as a reader would)."""
    pairs = list(pairs)
    bearers = Counter((name or "").strip().casefold() for _, name in pairs)
    return {code: f"{name} ({code})" if bearers[(name or "").strip().casefold()] > 1 else name
            for code, name in pairs}


def officer_names(active_only: bool = False) -> dict[str, str]:
    """Every officer's (or every active officer's) printed name by code. Two namesakes are told
    apart even when only one of them is active: old rows may still name the other."""
    everyone = distinct(Officer.select(Officer.code, Officer.name).tuples())
    if not active_only:
        return everyone
    active = {code for (code,) in Officer.select(Officer.code).where(Officer.active).tuples()}
    return {code: name for code, name in everyone.items() if code in active}
