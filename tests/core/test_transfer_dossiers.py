"""The dossier codes in a kiosk export (issue 14, docs/reimaging.md): only those the server has
not acknowledged are written, as format 2 (a file without any stays format 1, which older kiosks
import); a damaged or misplaced dossier record is refused naming its line, with nothing written;
a code the store already knows, or whose rating the server has since acknowledged, is not put
back twice. The whole road through a real server process: tests/server/test_reimage_dossiers.py."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.export import export_store
from kiosk.restore import import_file
from kiosk.shared.exc import TransferError
from kiosk.store import Store
from tests.support.kiosk_core import rating

CODES = [f"000.00.32.H56-261203-{i:04d}" for i in range(1, 7)]


def card(tmp_path: Path, acked: int = 2) -> Store:
    """Six ratings, each with a dossier code but the fourth; the server acknowledged `acked`."""
    store = Store(tmp_path / "card" / "kiosk.db", "quay-1")
    for i, code in enumerate(CODES):
        store.append(rating(i % 5 + 1), dossier=None if i == 3 else code)
    store.ack(acked)
    return store


def links(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT seq, uuid, code FROM dossier_link ORDER BY seq").fetchall()
    finally:
        con.close()


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def rewrite(path: Path, records: list[dict], **manifest) -> Path:
    """The file with these records and a manifest whose counts and checksum match them."""
    body = b"".join(json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
                    for r in records[1:])
    head = {**records[0], "content_sha256": hashlib.sha256(body).hexdigest(), **manifest}
    out = path.with_name("damaged-" + path.name)
    out.write_bytes(json.dumps(head, sort_keys=True, separators=(",", ":")).encode() + b"\n" + body)
    return out


def test_only_unacknowledged_codes_are_written_and_restored(tmp_path):
    store = card(tmp_path)
    result = export_store(store, tmp_path / "card.jsonl")
    kept = links(tmp_path / "card" / "kiosk.db")
    store.close()
    records = lines_of(tmp_path / "card.jsonl")
    dossiers = [r for r in records if r.get("record") == "dossier"]
    assert [(d["seq"], d["code"]) for d in dossiers] == [(3, CODES[2]), (5, CODES[4]), (6, CODES[5])]
    assert (records[0]["dossiers"], records[0]["format_version"]) == (3, 2)
    assert records[-3:] == dossiers  # the last records, after the roster and events
    assert "3 dossier codes not yet acked" in result.line()
    fresh = tmp_path / "new" / "kiosk.db"
    imported = import_file(tmp_path / "card.jsonl", fresh, "quay-1")
    assert imported.dossiers_added == 3 and "and 3 dossier codes" in imported.line()
    assert links(fresh) == kept  # seq, uuid and code exactly as on the old card


def test_a_file_without_codes_stays_format_1(tmp_path):
    store = card(tmp_path, acked=6)  # the server holds all six: no code is left on the card
    result = export_store(store, tmp_path / "card.jsonl")
    store.close()
    assert (result.manifest["format_version"], result.manifest["dossiers"]) == (1, 0)
    assert "dossier" not in result.line()
    assert not any(r.get("record") == "dossier" for r in lines_of(tmp_path / "card.jsonl"))


def test_a_code_acknowledged_since_the_export_is_not_put_back(tmp_path):
    store = card(tmp_path)
    export_store(store, tmp_path / "card.jsonl")
    store.close()
    fresh = tmp_path / "new" / "kiosk.db"
    assert import_file(tmp_path / "card.jsonl", fresh, "quay-1").dossiers_added == 3
    assert import_file(tmp_path / "card.jsonl", fresh, "quay-1").changed is False  # again: nothing
    restored = Store(fresh, "quay-1")
    restored.ack(5)  # the server pulled and acknowledged up to seq 5 since
    restored.close()
    assert [seq for seq, _u, _c in links(fresh)] == [6]
    assert import_file(tmp_path / "card.jsonl", fresh, "quay-1").dossiers_added == 0
    assert [seq for seq, _u, _c in links(fresh)] == [6]


def _other_uuid(records):
    records[-1]["uuid"] = records[1]["uuid"]
    return records, {}


def _acked_seq(records):
    records[-1]["seq"] = 2
    return records, {}


def _twice(records):
    return records + [records[-1]], {"dossiers": 4}


def _code_with_newline(records):
    records[-1]["code"] = "HS\n1"
    return records, {}


def _missing(records):
    return records[:-1], {}


def _event_after(records):
    event = next(r for r in records if r.get("record") == "event")
    return records + [event], {"events": records[0]["events"] + 1}


DAMAGE = {
    "another response's uuid": (_other_uuid, "not the uuid of the response at that seq"),
    "an acknowledged seq": (_acked_seq, "not an unacknowledged seq"),
    "a code twice": (_twice, "twice, or not in seq order"),
    "a code of two lines": (_code_with_newline, "not a dossier code"),
    "a code missing": (_missing, "the manifest lists 3 dossier codes, the file has 2"),
    "an event after the codes": (_event_after, "not in export order"),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_a_damaged_dossier_record_is_refused_and_nothing_written(tmp_path, name):
    store = card(tmp_path)
    export_store(store, tmp_path / "card.jsonl")
    store.close()
    damage, needle = DAMAGE[name]
    records, manifest = damage(lines_of(tmp_path / "card.jsonl"))
    bad = rewrite(tmp_path / "card.jsonl", records, **manifest)
    fresh = tmp_path / "new" / "kiosk.db"
    with pytest.raises(TransferError, match=needle):
        import_file(bad, fresh, "quay-1")
    assert not fresh.exists()
