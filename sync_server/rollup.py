"""The daily rollups reports read (model RollupDay): kept equal to the raw rows.

Every change to what the figures count goes through here in the same transaction: a page of
responses stored (`add_responses`), a response excluded or included again (`exclude`), and
`rebuild()` recomputes everything from the raw rows (the CLI `rebuild-rollups`, and the test that
the two agree). Deltas are summed in Python per key and applied with one upsert per key:
INSERT … ON CONFLICT DO UPDATE adds them, on SQLite and PostgreSQL alike. No Flask here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sync_server.db import database
from sync_server.models import Answer, Response, RollupDay

KEY = ("local_date", "officer", "procedure", "kiosk_id", "channel", "questionnaire", "question")
COUNTS = ("responses", "partial", "n1", "n2", "n3", "n4", "n5")
Key = tuple[date, str, str, str, str, str, str]


class Deltas:
    """Counts to add (or, with sign -1, to take away) per rollup key."""

    def __init__(self) -> None:
        self.by_key: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTS))

    def response(self, day: date, officer: str | None, procedure: str | None, kiosk_id: str,
                 channel: str, questionnaire: str, partial: bool, answers: Iterable[tuple[str, int]],
                 sign: int = 1) -> None:
        base = (day, officer or "", procedure or "", kiosk_id, channel, questionnaire)
        whole = self.by_key[(*base, "")]
        whole[0] += sign
        whole[1] += sign * bool(partial)
        for question, score in answers:
            self.by_key[(*base, question)][1 + score] += sign

    def __len__(self) -> int:
        return len(self.by_key)


def apply(deltas: Deltas) -> None:
    """Add the deltas to the rollup table (inside the caller's transaction)."""
    if not deltas.by_key:
        return
    db = database.obj
    q = db.param
    cols = ", ".join(f'"{c}"' for c in (*KEY, *COUNTS))
    marks = ", ".join([q] * (len(KEY) + len(COUNTS)))
    adds = ", ".join(f'"{c}" = "rollup_day"."{c}" + excluded."{c}"' for c in COUNTS)
    conflict = ", ".join(f'"{c}"' for c in KEY)
    sql = (f'INSERT INTO "rollup_day" ({cols}) VALUES ({marks}) '
           f"ON CONFLICT ({conflict}) DO UPDATE SET {adds}")
    # Dates as ISO text: what peewee stores on SQLite, and what PostgreSQL casts to a date.
    rows = [(key[0].isoformat(), *key[1:], *counts) for key, counts in deltas.by_key.items() if any(counts)]
    db.cursor().executemany(sql, rows)


def add_stored(rows: Iterable[tuple[Any, ...]], answers: dict[int, list[tuple[str, int]]],
               columns: tuple[str, ...]) -> Deltas:
    """Deltas for response rows just stored (in `columns` order) and their answers by seq."""
    at = {name: i for i, name in enumerate(columns)}
    deltas = Deltas()
    for row in rows:
        deltas.response(row[at["local_date"]], row[at["officer"]], row[at["procedure"]], row[at["kiosk_id"]],
                        row[at["channel"]], row[at["questionnaire"]], row[at["partial"]],
                        answers.get(row[at["seq"]], ()))
    return deltas


def deltas_of(response: Response, sign: int) -> Deltas:
    deltas = Deltas()
    answers = [(a.question, a.score) for a in Answer.select(Answer.question, Answer.score)
               .where(Answer.response == response.id)]
    deltas.response(response.local_date, response.officer, response.procedure, response.kiosk_id,
                    response.channel, response.questionnaire, response.partial, answers, sign)
    return deltas


def rebuild() -> int:
    """Recompute every rollup from the raw rows (inside the caller's write transaction).
    Returns the number of rollup rows."""
    RollupDay.delete().execute()
    db = database.obj
    cols = ", ".join(f'"{c}"' for c in KEY)
    db.execute_sql(
        f'INSERT INTO "rollup_day" ({cols}, "responses", "partial", "n1", "n2", "n3", "n4", "n5") '
        'SELECT r."local_date", COALESCE(r."officer", \'\'), COALESCE(r."procedure", \'\'), r."kiosk_id", '
        'r."channel", r."questionnaire", \'\', COUNT(*), SUM(CASE WHEN r."partial" THEN 1 ELSE 0 END), '
        '0, 0, 0, 0, 0 FROM "response" r WHERE NOT r."excluded" GROUP BY 1, 2, 3, 4, 5, 6')
    db.execute_sql(
        f'INSERT INTO "rollup_day" ({cols}, "responses", "partial", "n1", "n2", "n3", "n4", "n5") '
        'SELECT r."local_date", COALESCE(r."officer", \'\'), COALESCE(r."procedure", \'\'), r."kiosk_id", '
        'r."channel", r."questionnaire", a."question", 0, 0, '
        + ", ".join(f'SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
        + ' FROM "answer" a JOIN "response" r ON r."id" = a."response_id" WHERE NOT r."excluded" '
        'GROUP BY 1, 2, 3, 4, 5, 6, 7')
    return RollupDay.select().count()
