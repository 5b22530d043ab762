"""Export and import (re-imaging a card): real files, real SQLite, the CLI as a subprocess."""

from __future__ import annotations

import errno
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import export, restore
from kiosk.datalock import exclusive
from kiosk.export import export_store
from kiosk.restore import import_file
from kiosk.shared.exc import StoreError, TransferError
from kiosk.shared.protocol import GENESIS_HASH, seal
from kiosk.store import Store
from tests.support.kiosk_core import rating

REPO = Path(__file__).resolve().parents[2]
TOKEN = "0123456789abcdef0123"
ROSTER = {"version": 4, "unit": {"name": "UBND xã Đại Lãnh"},
          "officers": [{"code": "nv-lan", "name": "Nguyễn Thị Lan"}],
          "questionnaire": {"id": "overall", "version": 1,
                            "questions": [{"code": "q1", "text": {"vi": "Ông/Bà hài lòng?"}}]},
          "kiosk": {"mode": "counter", "officers_on_duty": ["nv-lan"]}}


def config(tmp_path: Path, name: str, kiosk_id: str = "quay-1") -> Path:
    """A kiosk config whose data directory is tmp_path/name."""
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[kiosk]\nid = "{kiosk_id}"\ndata_dir = "{tmp_path / name}"\n'
                    f'[api]\ntoken = "{TOKEN}"\n', encoding="utf-8")
    return path


def db(tmp_path: Path, name: str) -> Path:
    return tmp_path / name / "kiosk.db"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, timeout=120)


def refused(p: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit 1 with exactly one line on stderr that names what is wrong; never a traceback."""
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def fingerprint(path: Path) -> tuple:
    """Everything a store holds, read with plain sqlite3."""
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT seq, uuid, hash, body FROM response ORDER BY seq").fetchall(),
                con.execute("SELECT * FROM event ORDER BY seq").fetchall(),
                con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())
    finally:
        con.close()


def make_store(tmp_path: Path, name: str = "a", n: int = 30, acked: int | None = None) -> Store:
    """A store as a kiosk leaves it: responses (Vietnamese text too), events, an ack (by default
    two thirds of the responses), a roster."""
    store = Store(db(tmp_path, name), "quay-1")
    store.log_event("start", version="0.1.0")
    store.save_roster(ROSTER)
    store.log_event("roster_applied", version=4)
    for i in range(n):
        store.append(rating(i % 5 + 1, officer="nv-lan",
                            reasons=["thái-độ"] if i % 5 < 2 else []))
    store.log_event("cooldown_drop", channel="button", score=3)
    store.ack(n * 2 // 3 if acked is None else acked)
    return store


def export_cli(tmp_path: Path, name: str = "a") -> Path:
    usb = tmp_path / "usb"
    usb.mkdir(exist_ok=True)
    before = set(usb.iterdir())
    p = run_cli("export", "--config", config(tmp_path, name), "--to", usb)
    assert p.returncode == 0, p.stderr
    (new,) = set(usb.iterdir()) - before
    return new


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def test_two_stores_in_one_process_stay_apart(tmp_path):
    """Import opens a second store in the process: each must read and write its own file."""
    a = Store(db(tmp_path, "a"), "quay-1")
    a.append(rating())
    a.ack(1)
    a.save_roster(ROSTER)
    b = Store(db(tmp_path, "b"), "quay-1")
    assert (a.head()[0], a.count(), a.acked_seq(), a.roster()) == (1, 1, 1, ROSTER)
    assert (b.head()[0], b.count(), b.acked_seq(), b.roster()) == (0, 0, 0, None)
    assert a.meta("store_id") == a.store_id != b.meta("store_id") == b.store_id
    assert len(a.responses_after(0, 10)) == 1 and b.responses_after(0, 10) == []
    b.ack(0)
    assert a.acked_seq() == 1
    a.close()
    b.close()


# --- export -----------------------------------------------------------------------------------

def test_export_writes_manifest_then_responses_as_stored_then_events(tmp_path):
    store = make_store(tmp_path)
    sid, (last, head) = store.store_id, store.head()
    store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    p = run_cli("export", "--config", config(tmp_path, "a"), "--to", usb)
    assert p.returncode == 0, p.stderr
    assert "exported 30 responses (seq 1..30, acked 20) and 4 events" in p.stdout
    (path,) = usb.iterdir()  # and no partial file left beside it
    assert re.fullmatch(rf"hailong-quay-1-{sid[:8]}-\d{{4}}-\d\d-\d\d\.jsonl", path.name)

    raw = path.read_bytes()
    first, content = raw.split(b"\n", 1)
    m = json.loads(first)
    assert (m["record"], m["format"], m["format_version"]) == ("manifest", "hailong-kiosk-export", 1)
    assert (m["kiosk_id"], m["store_id"], m["responses"], m["events"]) == ("quay-1", sid, 30, 4)
    assert (m["first_seq"], m["last_seq"], m["head_hash"], m["acked_seq"]) == (1, last, head, 20)
    assert m["chain_ok"] is True and m["software_version"] and m["exported_at"]
    assert m["roster_version"] == 4
    # Checkable with the standard library alone: the checksum, then the chain.
    assert hashlib.sha256(content).hexdigest() == m["content_sha256"]
    lines = content.split(b"\n")[:-1]
    con = sqlite3.connect(db(tmp_path, "a"))
    stored = [body.encode() for (body,) in con.execute("SELECT body FROM response ORDER BY seq")]
    con.close()
    assert lines[:30] == stored  # exactly as stored, byte for byte
    prev = GENESIS_HASH
    for line in lines[:30]:
        r = json.loads(line)
        body = {k: v for k, v in r.items() if k != "hash"}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode()).hexdigest() == r["hash"] and r["prev_hash"] == prev
        prev = r["hash"]
    events = [json.loads(line) for line in lines[30:34]]
    assert [e["record"] for e in events] == ["event"] * 4
    assert [e["kind"] for e in events] == ["start", "roster_applied", "cooldown_drop", "export"]
    assert events[3]["detail"]["to"] == str(path)
    assert json.loads(lines[34]) == {"record": "roster", "roster": ROSTER}
    assert len(lines) == 35


def test_round_trip_into_a_fresh_data_dir(tmp_path):
    store = make_store(tmp_path)
    original_events = store.events_after(0)
    store.close()
    path = export_cli(tmp_path)

    p = run_cli("import", "--config", config(tmp_path, "b"), path)
    assert p.returncode == 0, p.stderr
    assert "imported 30 responses and 4 events" in p.stdout
    assert run_cli("verify", "--config", config(tmp_path, "b")).stdout.startswith("OK: 30 responses")
    status = [json.loads(run_cli("status", "--config", config(tmp_path, n), "--json").stdout)
              for n in ("a", "b")]
    for key in ("store_id", "last_seq", "head_hash", "acked_seq", "roster_version"):
        assert status[0][key] == status[1][key], key
    restored, a = Store(db(tmp_path, "b"), "quay-1"), Store(db(tmp_path, "a"), "quay-1")
    assert restored.responses_after(0, 100) == a.responses_after(0, 100)
    events = restored.events_after(0)
    assert events[:4] == a.events_after(0)  # all of them, the export itself included
    assert events[:3] == original_events
    assert events[3]["kind"] == "export" and events[4]["kind"] == "import"
    assert events[4]["detail"]["responses_added"] == 30 and events[4]["detail"]["file"] == path.name
    assert restored.roster() == ROSTER
    restored.close()
    a.close()


def test_reimaging_1000_responses_500_acked_continues_at_seq_1001(tmp_path):
    store = Store(db(tmp_path, "card"), "quay-1")
    for i in range(1000):
        store.append(rating(i % 5 + 1))
    store.ack(500)
    sid, (_, head) = store.store_id, store.head()
    old = store.responses_after(0, 2000)
    store.close()
    path = export_cli(tmp_path, "card")

    shutil.rmtree(tmp_path / "card")  # the card is re-imaged
    # A technician looks first: `status` on the new card makes a fresh store with its own id.
    fresh = json.loads(run_cli("status", "--config", config(tmp_path, "card"), "--json").stdout)
    assert fresh["store_id"] != sid and fresh["last_seq"] == 0
    p = run_cli("import", "--config", config(tmp_path, "card"), path)
    assert p.returncode == 0, p.stderr

    store = Store(db(tmp_path, "card"), "quay-1")
    assert (store.store_id, store.head(), store.acked_seq()) == (sid, (1000, head), 500)
    new = [store.append(rating(4)) for _ in range(3)]
    assert [r["seq"] for r in new] == [1001, 1002, 1003]
    assert new[0]["prev_hash"] == head and new[0]["store_id"] == sid
    assert store.verify().ok and store.verify().count == 1003
    assert store.responses_after(0, 1000) == old
    assert store.meta("replaced_store_id") == fresh["store_id"]
    store.close()


def test_the_server_sees_the_same_store_continue(tmp_path):
    """Through the real puller: after export -> wipe -> import, no new epoch, nothing twice."""
    from kiosk.api import ApiServer, create_api
    from sync_server import config as server_config
    from sync_server.collect.puller import pull_kiosk
    from sync_server.db import database, init_db
    from sync_server.db.models import Alert, Epoch, Response

    def serve(store: Store):
        server = ApiServer(create_api(store, kiosk_id="quay-1", token=TOKEN), "127.0.0.1", 0).start()
        (tmp_path / "server.toml").write_text(
            f'[server]\ndata_dir = "{tmp_path / "server"}"\nhost = "127.0.0.1"\nport = 5000\n'
            f'[[kiosks]]\nid = "quay-1"\nurl = "http://127.0.0.1:{server.port}"\ntoken = "{TOKEN}"\n',
            encoding="utf-8")
        cfg = server_config.load(tmp_path / "server.toml")
        init_db(cfg)
        return server, cfg

    store = Store(db(tmp_path, "card"), "quay-1")
    api, cfg = serve(store)
    try:
        for i in range(500):
            store.append(rating(i % 5 + 1))
        first = pull_kiosk(cfg.kiosks[0], cfg, page_limit=200)
        assert (first.status, first.received, store.acked_seq()) == ("ok", 500, 500), first.message
        for _ in range(500):
            store.append(rating(2))  # recorded, never pulled
    finally:
        api.stop()
    export_store(store, tmp_path / "card.jsonl")
    store.close()
    shutil.rmtree(tmp_path / "card")
    import_file(tmp_path / "card.jsonl", db(tmp_path, "card"), "quay-1")

    store = Store(db(tmp_path, "card"), "quay-1")
    api, cfg = serve(store)
    try:
        for _ in range(3):
            store.append(rating(5))
        again = pull_kiosk(cfg.kiosks[0], cfg, page_limit=200)
        assert (again.status, again.new_epoch, again.received, again.first_seq, again.last_seq) == (
            "ok", False, 503, 501, 1003), again.message
        assert Epoch.select().count() == 1 and Response.select().count() == 1003
        assert Alert.select().count() == 0
        assert store.acked_seq() == 1003
    finally:
        api.stop()
        store.close()
        if not database.is_closed():
            database.close()


def test_export_of_a_broken_chain_is_refused_unless_flagged(tmp_path):
    store = make_store(tmp_path, n=5, acked=2)
    rs = store.responses_after(0, 10)
    with store.db.connection_context():  # forged as an attacker would: guard dropped, body edited
        store.db.execute_sql("DROP TRIGGER response_no_update")
        forged = json.dumps({**rs[1], "answers": {"q1": 5}}, sort_keys=True, separators=(",", ":"))
        store.db.execute_sql("UPDATE response SET body = ? WHERE seq = 2", (forged,))
    store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    p = run_cli("export", "--config", config(tmp_path, "a"), "--to", usb)
    refused(p, "broken at seq 2", "nothing written")
    assert list(usb.iterdir()) == []

    p = run_cli("export", "--config", config(tmp_path, "a"), "--to", usb, "--allow-broken")
    assert p.returncode == 1 and "CHAIN BROKEN at seq 2" in p.stdout and "Traceback" not in p.stderr
    (path,) = usb.iterdir()
    m = json.loads(lines_of(path)[0])
    assert (m["chain_ok"], m["first_bad_seq"], m["responses"]) == (False, 2, 5)
    assert lines_of(path)[2] == forged.encode()  # the evidence, as it is in the store
    refused(run_cli("import", "--config", config(tmp_path, "b"), path), "broken at seq 2",
            "not importable")
    assert not db(tmp_path, "b").exists()


def test_export_never_leaves_a_file_that_looks_complete(tmp_path, monkeypatch):
    store = make_store(tmp_path, n=5)
    target = tmp_path / "usb.jsonl"
    export_store(store, target)
    good = target.read_bytes()
    store.append(rating(1))

    def yanked(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(export.os, "fsync", yanked)
    with pytest.raises(OSError):
        export_store(store, target)
    assert target.read_bytes() == good  # the previous export, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "usb.jsonl"]  # no partial file
    store.close()


def test_export_to_a_missing_directory(tmp_path):
    make_store(tmp_path, n=2).close()
    p = run_cli("export", "--config", config(tmp_path, "a"), "--to", tmp_path / "media" / "x.jsonl")
    refused(p, str(tmp_path / "media"), "USB stick mounted")
    refused(run_cli("export", "--config", config(tmp_path, "nothing"), "--to", tmp_path),
            "no store at")
    assert not db(tmp_path, "nothing").exists()


def test_export_reports_progress_on_long_runs(tmp_path):
    store = Store(db(tmp_path, "a"), "quay-1")
    for _ in range(250):
        store.append(rating())
    lines: list[str] = []
    export_store(store, tmp_path / "x.jsonl", progress=lines.append, every=100)
    assert lines == ["export: verifying the chain of 250 responses",
                     "export: 100 of 250 responses written (40%)",
                     "export: 200 of 250 responses written (80%)"]
    store.close()


def test_export_while_the_kiosk_runs_warns_and_import_is_refused(tmp_path):
    make_store(tmp_path, n=3).close()
    with exclusive(tmp_path / "a"):  # what `hailong-kiosk run` holds
        p = run_cli("export", "--config", config(tmp_path, "a"), "--to", tmp_path)
        assert p.returncode == 0 and "the kiosk is running" in p.stderr
        (path,) = tmp_path.glob("*.jsonl")
        before = fingerprint(db(tmp_path, "a"))
        refused(run_cli("import", "--config", config(tmp_path, "a"), path), "running kiosk")
        assert fingerprint(db(tmp_path, "a")) == before


def test_run_holds_the_lock_and_a_second_kiosk_is_refused(tmp_path, monkeypatch, capsys):
    import kiosk.ui.launch
    from kiosk import cli
    from kiosk.datalock import is_busy

    seen: list[bool] = []

    def app_stub(cfg) -> int:  # stands in for the Kivy app: no window in these tests
        seen.append(is_busy(cfg.data_dir))
        return 0

    monkeypatch.setattr(kiosk.ui.launch, "run_app", app_stub)
    path = str(config(tmp_path, "a"))
    assert cli.main(["run", "--config", path]) == 0 and seen == [True]
    assert not is_busy(tmp_path / "a")  # released when the app returns
    with exclusive(tmp_path / "a"):
        assert cli.main(["run", "--config", path]) == 1
    assert seen == [True]  # the second kiosk never started its app
    assert "in use by a running kiosk" in capsys.readouterr().err


# --- import: idempotent, prefix, identity ----------------------------------------------------

def test_importing_twice_changes_nothing(tmp_path):
    make_store(tmp_path).close()
    path = export_cli(tmp_path)
    assert run_cli("import", "--config", config(tmp_path, "b"), path).returncode == 0
    before = fingerprint(db(tmp_path, "b"))
    p = run_cli("import", "--config", config(tmp_path, "b"), path)
    assert p.returncode == 0 and p.stdout.startswith("nothing to do"), p.stdout
    assert fingerprint(db(tmp_path, "b")) == before
    # The original store holds everything too.
    before = fingerprint(db(tmp_path, "a"))
    assert run_cli("import", "--config", config(tmp_path, "a"), path).stdout.startswith("nothing to do")
    assert fingerprint(db(tmp_path, "a")) == before


def test_a_store_holding_a_prefix_gets_the_rest(tmp_path):
    a = make_store(tmp_path, n=10, acked=4)
    export_store(a, tmp_path / "early.jsonl")
    import_file(tmp_path / "early.jsonl", db(tmp_path, "b"), "quay-1")
    for _ in range(5):
        a.append(rating(3))
    a.ack(12)
    a.log_event("burst", count=6, window_s=2)
    export_store(a, tmp_path / "late.jsonl")

    result = import_file(tmp_path / "late.jsonl", db(tmp_path, "b"), "quay-1")
    assert (result.responses_added, result.events_added, result.acked_seq) == (5, 2, 12)  # burst, export
    b = Store(db(tmp_path, "b"), "quay-1")
    assert b.head() == a.head() and b.verify().ok and b.acked_seq() == 12
    assert b.responses_after(0, 100) == a.responses_after(0, 100)
    a_uuids = [e["uuid"] for e in a.events_after(0)]
    assert [e["uuid"] for e in b.events_after(0) if e["uuid"] in a_uuids] == a_uuids
    b.close()
    # The older file is a prefix of what the store now holds: nothing to do.
    before = fingerprint(db(tmp_path, "b"))
    assert not import_file(tmp_path / "early.jsonl", db(tmp_path, "b"), "quay-1").changed
    assert fingerprint(db(tmp_path, "b")) == before
    a.close()


def test_a_card_that_already_started_adopts_the_exported_store(tmp_path):
    make_store(tmp_path, n=4).close()
    path = export_cli(tmp_path)
    fresh = Store(db(tmp_path, "b"), "quay-1")  # the new card ran once: no rating, one event
    fresh.log_event("start", version="0.1.0")
    own_id = fresh.store_id
    fresh.close()
    assert run_cli("import", "--config", config(tmp_path, "b"), path).returncode == 0
    b = Store(db(tmp_path, "b"), "quay-1")
    assert b.store_id == json.loads(lines_of(path)[0])["store_id"] != own_id
    assert b.meta("replaced_store_id") == own_id
    assert [e["kind"] for e in b.events_after(0)] == [
        "start", "start", "roster_applied", "cooldown_drop", "export", "import"]
    assert b.verify().ok
    b.close()


def test_a_store_with_other_responses_is_refused(tmp_path):
    make_store(tmp_path, n=4).close()
    path = export_cli(tmp_path)
    other = Store(db(tmp_path, "b"), "quay-1")
    other.append(rating(1))  # a citizen already rated on the new card
    other_id = other.store_id
    other.close()
    before = fingerprint(db(tmp_path, "b"))
    p = run_cli("import", "--config", config(tmp_path, "b"), path)
    refused(p, other_id, json.loads(lines_of(path)[0])["store_id"], "fresh store")
    assert fingerprint(db(tmp_path, "b")) == before


def test_another_kiosk_id_needs_force(tmp_path):
    make_store(tmp_path, n=4).close()
    path = export_cli(tmp_path)
    p = run_cli("import", "--config", config(tmp_path, "b", kiosk_id="quay-2"), path)
    refused(p, "'quay-1'", "'quay-2'", "--force-kiosk-id")
    assert not db(tmp_path, "b").exists()
    p = run_cli("import", "--config", config(tmp_path, "b", kiosk_id="quay-2"), path, "--force-kiosk-id")
    assert p.returncode == 0, p.stderr
    b = Store(db(tmp_path, "b"), "quay-2")
    assert b.append(rating())["kiosk_id"] == "quay-2" and b.verify().ok
    b.close()


# --- import: damaged or foreign files are refused, the store untouched -----------------------

def _tamper_score(lines: list[bytes]) -> list[bytes]:
    lines[5] = lines[5].replace(b'"answers":{"q1":5}', b'"answers":{"q1":1}')
    return lines


def _reseal_with_other_store(lines: list[bytes]) -> list[bytes]:
    r = json.loads(lines[3])
    r["store_id"] = "00000000-0000-4000-8000-000000000000"
    lines[3] = json.dumps(seal(r, r["prev_hash"]), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()
    return lines


def _wrong_checksum(lines: list[bytes]) -> list[bytes]:
    m = json.loads(lines[0])
    m["content_sha256"] = "0" * 64
    lines[0] = json.dumps(m).encode()
    return lines


def _drop_manifest_field(lines: list[bytes]) -> list[bytes]:
    m = json.loads(lines[0])
    del m["acked_seq"]
    lines[0] = json.dumps(m).encode()
    return lines


def _store_id_not_uuid(lines: list[bytes]) -> list[bytes]:
    m = json.loads(lines[0])
    m["store_id"] = "../../etc"
    lines[0] = json.dumps(m).encode()
    return lines


def _cut_mid_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:data.index(b"\n", data.index(b'"seq":8,')) - 20])


def _garbage_event(lines: list[bytes]) -> list[bytes]:
    lines[-3] = b'{"record":"event","kind":"sta'
    return lines


CORRUPTIONS = {
    # name: (how the file is damaged, what the one line must say)
    "tampered score": (_tamper_score, ["line 6", "seq 5", "hash does not match"]),
    "foreign store_id, resealed": (_reseal_with_other_store, ["line 4", "store_id", "not the manifest"]),
    "wrong checksum": (_wrong_checksum, ["checksum does not match"]),
    "manifest field missing": (_drop_manifest_field, ["line 1", "manifest.acked_seq: missing"]),
    "manifest store_id not a UUID": (_store_id_not_uuid, ["line 1", "manifest.store_id", "lowercase UUID"]),
    "cut at a line end": (lambda lines: lines[:-9], ["truncated or incomplete", "12 responses"]),
    "cut mid-line": (_cut_mid_line, ["line 9", "truncated"]),
    "event line not JSON": (_garbage_event, ["not valid JSON"]),
    "not an export": (lambda lines: [b"hello"], ["line 1", "not a hailong kiosk export"]),
    "empty file": (lambda lines: [], ["line 1", "empty file"]),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_damaged_file_is_refused_and_the_store_untouched(tmp_path, name):
    damage, needles = CORRUPTIONS[name]
    a = make_store(tmp_path, n=6, acked=2)
    export_store(a, tmp_path / "prefix.jsonl")
    import_file(tmp_path / "prefix.jsonl", db(tmp_path, "b"), "quay-1")  # b holds seq 1..6
    for i in range(6):
        a.append(rating(5 if i % 2 else 4))
    a.ack(10)
    a.close()
    good = export_cli(tmp_path)
    bad = tmp_path / f"bad-{good.name}"
    shutil.copy(good, bad)
    if name == "cut mid-line":
        damage(bad)
    else:
        write_lines(bad, damage(lines_of(bad)))
    assert bad.read_bytes() != good.read_bytes()

    before = fingerprint(db(tmp_path, "b"))
    line = refused(run_cli("import", "--config", config(tmp_path, "b"), bad), str(bad), *needles)
    assert fingerprint(db(tmp_path, "b")) == before, line
    refused(run_cli("import", "--config", config(tmp_path, "fresh"), bad), *needles)
    assert not db(tmp_path, "fresh").exists()  # no half-made store either
    # The undamaged file still imports into the same store.
    assert run_cli("import", "--config", config(tmp_path, "b"), good).returncode == 0


def test_a_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    make_store(tmp_path, n=8).close()
    path = export_cli(tmp_path)
    fresh = Store(db(tmp_path, "b"), "quay-1")
    own_id = fresh.store_id
    fresh.close()
    before = fingerprint(db(tmp_path, "b"))
    real = Store.restore_response
    calls = []

    def failing(self: Store, r: dict) -> None:
        calls.append(r["seq"])
        if len(calls) == 5:
            raise StoreError("disk full (simulated)")
        real(self, r)

    monkeypatch.setattr(Store, "restore_response", failing)
    with pytest.raises(StoreError, match="simulated"):
        import_file(path, db(tmp_path, "b"), "quay-1")
    assert calls == [1, 2, 3, 4, 5]  # it had written four when it failed
    assert fingerprint(db(tmp_path, "b")) == before  # incl. the store_id: not adopted
    assert Store(db(tmp_path, "b"), "quay-1").store_id == own_id


def test_a_file_changed_between_check_and_write_is_refused(tmp_path, monkeypatch):
    make_store(tmp_path, n=8).close()
    path = export_cli(tmp_path)
    real_scan = restore._scan

    def scan_then_tamper(*args, **kwargs):
        found = real_scan(*args, **kwargs)
        write_lines(path, _tamper_score(lines_of(path)))  # swapped on the stick after pass 1
        return found

    monkeypatch.setattr(restore, "_scan", scan_then_tamper)
    with pytest.raises(TransferError, match="line 6: seq 5: hash does not match"):
        import_file(path, db(tmp_path, "b"), "quay-1")
    s = Store(db(tmp_path, "b"), "quay-1")  # created after pass 1, then rolled back to empty
    assert (s.head()[0], s.event_count(), s.acked_seq()) == (0, 0, 0)
    s.close()
