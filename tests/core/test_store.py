"""The kiosk store: hash chain as DESIGN.md §3 defines it, append-only, durable."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import peewee
import pytest

from kiosk.shared.exc import ProtocolError
from kiosk.shared.protocol import GENESIS_HASH, validate_response, verify_chain
from kiosk.store import Store
from tests.support.kiosk_core import rating


def independent_hash(response: dict) -> str:
    """DESIGN.md §3 spelled out with the standard library only."""
    body = {k: v for k, v in response.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_pragmas_are_wal_and_full(store):
    with store.db.connection_context():
        assert store.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_chain_matches_design_definition(store):
    first = store.append(rating(5, officer="nv-lan"))
    second = store.append(rating(2, channel="keypad", reasons=["cho-lau"]))
    assert first["seq"] == 1 and second["seq"] == 2
    assert first["prev_hash"] == GENESIS_HASH
    assert second["prev_hash"] == first["hash"]
    for r in (first, second):
        assert r["hash"] == independent_hash(r)
        validate_response(r)
        assert r["store_id"] == store.store_id and r["kiosk_id"] == "quay-1"
    assert verify_chain(store.responses_after(0, 10)) == (2, second["hash"])


def test_vietnamese_text_hashes_as_utf8(store):
    r = store.append(rating(4, reasons=["thái-độ"]))
    assert r["hash"] == independent_hash(r)
    assert store.verify().ok


def test_seq_is_gap_free_and_uuid_unique(store):
    rs = [store.append(rating(i % 5 + 1)) for i in range(20)]
    assert [r["seq"] for r in rs] == list(range(1, 21))
    assert len({r["uuid"] for r in rs}) == 20
    assert store.head() == (20, rs[-1]["hash"])


def test_store_id_survives_reopen(tmp_path):
    a = Store(tmp_path / "k.db", "quay-1")
    a.append(rating())
    sid = a.store_id
    a.close()
    b = Store(tmp_path / "k.db", "quay-1")
    assert b.store_id == sid and b.head()[0] == 1
    assert b.append(rating())["seq"] == 2


def test_responses_cannot_be_updated_or_deleted(store):
    store.append(rating(1))
    with store.db.connection_context():
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            store.db.execute_sql("UPDATE response SET body = '{}' WHERE seq = 1")
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            store.db.execute_sql("DELETE FROM response")
    assert store.verify().ok


def test_paging(store):
    for _ in range(7):
        store.append(rating())
    assert [r["seq"] for r in store.responses_after(0, 3)] == [1, 2, 3]
    assert [r["seq"] for r in store.responses_after(5, 100)] == [6, 7]
    assert store.responses_after(7, 100) == []


def test_ack_never_moves_backwards(store):
    for _ in range(3):
        store.append(rating())
    assert store.ack(2) == 2
    assert store.ack(1) == 2
    assert store.acked_seq() == 2


def _flip_in_file(db_path, needle: bytes, replacement: bytes) -> None:
    data = bytearray(db_path.read_bytes())
    at = data.find(needle)
    assert at >= 0, "the stored text must be in the main database file"
    assert data.find(needle, at + 1) < 0, "needle must be unique"
    data[at:at + len(needle)] = replacement
    db_path.write_bytes(bytes(data))


def test_flipped_byte_is_found_at_its_seq(tmp_path):
    s = Store(tmp_path / "k.db", "quay-1")
    rs = [s.append(rating(5)) for _ in range(5)]
    with s.db.connection_context():
        s.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    # In the file on disk, turn seq 3's score 5 into a 1: one byte, nothing else touched.
    path = tmp_path / "k.db"
    data = bytearray(path.read_bytes())
    body = json.dumps(rs[2], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    at = data.find(body)
    assert at >= 0 and data.find(body, at + 1) < 0
    score_at = at + body.index(b'"answers":{"q1":5}') + len(b'"answers":{"q1":')
    data[score_at] = ord("1")
    path.write_bytes(bytes(data))

    result = Store(path, "quay-1").verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.count == 2
    assert "seq 3" in result.problem and "hash" in result.problem


def test_verify_chain_names_gap_and_tamper(store):
    rs = [store.append(rating()) for _ in range(3)]
    with pytest.raises(ProtocolError, match="seq 2"):
        verify_chain([rs[0], rs[2]])
    tampered = dict(rs[1], answers={"q1": 1})
    with pytest.raises(ProtocolError, match="seq 2: hash"):
        verify_chain([rs[0], tampered, rs[2]])
    with pytest.raises(ProtocolError, match="seq 3: prev_hash"):
        verify_chain([rs[0], rs[1], dict(rs[2], prev_hash=rs[0]["hash"])])


def test_raw_sqlite_sees_the_same_rows(store):
    store.append(rating(3))
    con = sqlite3.connect(store.path)
    (body,) = con.execute("SELECT body FROM response WHERE seq = 1").fetchone()
    con.close()
    assert json.loads(body)["answers"] == {"q1": 3}
