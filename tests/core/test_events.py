"""The kiosk event log: append-only like the responses, same time readings, shown by the CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from kiosk.events import KINDS, validate_event
from kiosk.shared import clock
from kiosk.shared.exc import EventError
from kiosk.store import Store
from tests.support.kiosk_core import rating

REPO = Path(__file__).resolve().parents[2]


def test_log_event_records_kind_detail_and_the_three_time_readings(store):
    first = store.log_event("start", version="0.1.0", pid=42)
    second = store.log_event("clock_jump", delta_s=-3600.5)
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["kind"] == "start" and first["detail"] == {"version": "0.1.0", "pid": 42}
    assert first["boot_id"] == clock.boot_id() and first["uptime_ms"] <= second["uptime_ms"]
    assert first["recorded_at"][:4].isdigit() and first["uuid"] != second["uuid"]
    assert store.events_after(0) == [first, second]
    assert store.events_after(1) == [second]
    assert store.last_events(1) == [second]
    assert store.event_count() == 2
    for e in (first, second):
        validate_event(e)


def test_every_documented_kind_is_accepted(store):
    for kind in KINDS:
        store.log_event(kind)
    assert [e["kind"] for e in store.events_after(0, 100)] == list(KINDS)


def test_unknown_kind_is_refused_and_nothing_stored(store):
    with pytest.raises(ValueError, match="unknown event kind 'strat'"):
        store.log_event("strat")
    assert store.event_count() == 0


def test_detail_that_is_not_json_is_kept_as_text(store, tmp_path):
    e = store.log_event("export", to=tmp_path / "x.jsonl", count=3)
    assert e["detail"] == {"to": str(tmp_path / "x.jsonl"), "count": 3}
    assert store.events_after(0)[0]["detail"] == e["detail"]


def test_events_cannot_be_updated_or_deleted(store):
    store.log_event("start")
    store.log_event("stop", reason="sigterm")
    before = store.events_after(0)
    with store.db.connection_context():
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            store.db.execute_sql("UPDATE event SET kind = 'start' WHERE seq = 2")
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            store.db.execute_sql("DELETE FROM event WHERE seq = 1")
    # Through plain sqlite3 as well: the guard is in the database file, not in the Python code.
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM event")
    con.close()
    assert store.events_after(0) == before


def test_events_and_responses_do_not_share_seq(store):
    store.log_event("start")
    assert store.append(rating())["seq"] == 1
    assert store.log_event("cooldown_drop", channel="touch")["seq"] == 2
    assert store.verify().ok


def test_a_store_made_before_the_event_log_gets_it_on_open(tmp_path):
    path = tmp_path / "k.db"
    s = Store(path, "quay-1")
    s.append(rating(3))
    sid = s.store_id
    s.close()
    # Make it look like a store written by the version without events.
    con = sqlite3.connect(path)
    con.executescript("DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete; DROP TABLE event;")
    con.close()
    s = Store(path, "quay-1")
    assert s.store_id == sid and s.verify().ok and s.event_count() == 0
    s.log_event("start")
    with s.db.connection_context(), pytest.raises(peewee.IntegrityError, match="append-only"):
        s.db.execute_sql("DELETE FROM event")
    s.close()


@pytest.mark.parametrize("change,field", [
    (lambda e: e.pop("uuid"), "missing field(s) uuid"),
    (lambda e: e.update(seq=0), ".seq"),
    (lambda e: e.update(kind="Start!"), ".kind"),
    (lambda e: e.update(uptime_ms=-1), ".uptime_ms"),
    (lambda e: e.update(detail=[]), ".detail"),
])
def test_validate_event_names_the_field(store, change, field):
    e = store.log_event("start")
    change(e)
    with pytest.raises(EventError, match=field.replace("(", r"\(").replace(")", r"\)")):
        validate_event(e, "line 7")


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nid = "quay-1"\ndata_dir = "{tmp_path / "data"}"\n'
                    '[api]\ntoken = "0123456789abcdef0123"\n', encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60)


def test_cli_events_last_n(tmp_path):
    cfg = _config(tmp_path)
    s = Store(tmp_path / "data" / "kiosk.db", "quay-1")
    s.log_event("start", version="0.1.0")
    s.log_event("roster_applied", version=7)
    s.log_event("burst", count=9, window_s=1.5)
    s.close()
    p = run_cli("events", "--config", str(cfg), "--last", "2")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 2
    assert "roster_applied" in lines[0] and "version=7" in lines[0]
    assert "burst" in lines[1] and "count=9" in lines[1] and "window_s=1.5" in lines[1]
    p = run_cli("events", "--config", str(cfg), "--json")
    assert [json.loads(line)["kind"] for line in p.stdout.splitlines()] == [
        "start", "roster_applied", "burst"]


def test_cli_events_without_a_store(tmp_path):
    p = run_cli("events", "--config", str(_config(tmp_path)))
    assert p.returncode == 0 and "no store at" in p.stdout
    assert not (tmp_path / "data" / "kiosk.db").exists()  # looking never creates a store
