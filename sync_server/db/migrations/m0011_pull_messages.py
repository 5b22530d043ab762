"""Migration 11: what pulls said, stored as message codes with values (sync_server.collect.messages).

Until now the minutes (`pull_log.message`), the kiosks' last error (`kiosk.last_error`) and the
alerts (`alert.message`) kept English text, which the pages turned into Vietnamese with
patterns. This migration rewrites the rows once: each "; "-separated part that has a known shape
becomes [msgid, {values}] (the shapes and msgids below are frozen copies), anything else is kept
as its text (["%(text)s", {"text": …}]), so every row renders as before and none is lost.
"""

from __future__ import annotations

import json
import re

_R = [(re.compile(f"^{p}$"), msgid) for p, msgid in (
    (r"timed out", "timed out"),
    (r"connection refused", "connection refused"),
    (r"host name not found", "host name not found"),
    (r"no route to host", "no route to host"),
    (r"network unreachable", "network unreachable"),
    (r"connection reset", "connection reset"),
    (r"cannot connect", "cannot connect"),
    (r"connection closed without a reply", "connection closed without a reply"),
    (r"connection dropped in the middle of a reply", "connection dropped in the middle of a reply"),
    (r"too slow: reply not complete after (?P<s>[\d.]+) s", "too slow: reply not complete after %(s)s s"),
    (r"reply larger than (?P<mb>\d+) MB", "reply larger than %(mb)s MB"),
    (r"the kiosk refused the token \(401\): check token in \[\[kiosks\]\]",
     "the kiosk refused the token (401): check token in [[kiosks]]"),
    (r"(?P<req>\S+ \S+): HTTP (?P<code>\d+), not JSON \((?P<kind>[^)]*)\): (?P<text>.*)",
     "%(req)s: HTTP %(code)s, not JSON (%(kind)s): %(text)s"),
    (r"(?P<req>\S+ \S+): HTTP (?P<code>\d+): (?P<problem>.*)", "%(req)s: HTTP %(code)s: %(problem)s"),
    (r"(?P<req>\S+ \S+): reply is JSON but not an object", "%(req)s: reply is JSON but not an object"),
    (r"status reply is not a kiosk status \(bad or missing (?P<what>.*)\)",
     "status reply is not a kiosk status (bad or missing %(what)s)"),
    (r"the kiosk at (?P<url>\S+) says it is (?P<got>.*), not (?P<want>.*): check url in \[\[kiosks\]\]",
     "the kiosk at %(url)s says it is %(got)s, not %(want)s: check url in [[kiosks]]"),
    (r"the kiosk reports seq (?P<n>\d+) but sent nothing after seq (?P<a>\d+)",
     "the kiosk reports seq %(n)s but sent nothing after seq %(a)s"),
    (r"status has no boot_id/uptime_ms: kiosk times cannot be checked",
     "status has no boot_id/uptime_ms: kiosk times cannot be checked"),
    (r"new store (?P<store>\S+) \(card re-imaged\?\): new epoch, the old one is kept",
     "new store %(store)s (card re-imaged?): new epoch, the old one is kept"),
    (r"roster v(?P<v>\d+) not pushed: (?P<e>.*)", "roster v%(v)s not pushed: %(e)s"),
    (r"roster v(?P<v>\d+) refused by the kiosk: (?P<e>.*)", "roster v%(v)s refused by the kiosk: %(e)s"),
    (r"stopped at seq (?P<seq>\d+) \(server shutting down\); the next pull goes on",
     "stopped at seq %(seq)s (server shutting down); the next pull goes on"),
    (r"ack of seq (?P<seq>\d+) failed: (?P<e>.*)", "ack of seq %(seq)s failed: %(e)s"),
    (r"(?P<n>\d+) response\(s\) kept aside as conflicts \(alert raised\)",
     "%(n)s response(s) kept aside as conflicts (alert raised)"),
    (r"(?P<n>\d+) response\(s\) name codes the roster does not know \(stored, flagged\)",
     "%(n)s response(s) name codes the roster does not know (stored, flagged)"),
    (r"(?P<n>\d+) response time\(s\) repaired: the kiosk clock was wrong",
     "%(n)s response time(s) repaired: the kiosk clock was wrong"),
    (r"another pull of this kiosk moved the cursor meanwhile; try again",
     "another pull of this kiosk moved the cursor meanwhile; try again"),
    (r"seq (?P<expected>\d+): expected next, got (?P<got>\d+) \(gap or reorder\)",
     "seq %(expected)s: expected next, got %(got)s (gap or reorder)"),
    (r"server error: (?P<e>.*)", "server error: %(e)s"),
)]
_NESTED = ("e",)  # values that were themselves messages
_STORED = " — nothing of this page stored, alert raised"


def _text(text: str) -> list:
    return ["%(text)s", {"text": text}]


def _one(text: str) -> list:
    if text.endswith(_STORED):
        return ["%(problem)s — nothing of this page stored, alert raised",
                {"problem": _one(text[:-len(_STORED)])}]
    for pattern, msgid in _R:
        m = pattern.match(text)
        if m:
            return [msgid, {k: _one(v) if k in _NESTED else v for k, v in m.groupdict().items()}]
    return _text(text)


def convert(stored: str | None) -> str | None:
    """The structured form of an old message; one already structured (or empty) stays."""
    if not stored:
        return stored
    try:
        if isinstance(json.loads(stored), list):
            return stored
    except ValueError:
        pass
    return json.dumps([_one(part) for part in stored.split("; ")], ensure_ascii=False)


def up(db) -> None:
    for table, key, column in (("pull_log", "id", "message"), ("kiosk", "id", "last_error"),
                               ("alert", "id", "message")):
        rows = db.execute_sql(f'SELECT "{key}", "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL '
                              f'AND "{column}" <> \'\'').fetchall()
        updates = [(new, row_id) for row_id, old in rows if (new := convert(old)) != old]
        if updates:
            sql = f'UPDATE "{table}" SET "{column}" = {db.param} WHERE "{key}" = {db.param}'
            db.cursor().executemany(sql, updates)
