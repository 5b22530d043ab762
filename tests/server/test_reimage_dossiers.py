"""A re-imaged card keeps the dossier codes the server has not acknowledged (issue 14): the
kiosk's export carries them beside the responses, the import puts them back, and the next pull by
a real `hailong-server pull --once` process stores the rating AND its dossier link; a code the
server already acknowledged is not carried, nor stored twice. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.api import ApiServer, create_api
from kiosk.export import export_store
from kiosk.restore import import_file
from kiosk.store import Store
from sync_server.collect.puller import pull_kiosk
from sync_server.db import database
from sync_server.db.models import DossierLink, Epoch, Response
from sync_server.ops import demo_data
from tests.support.kiosk_core import rating
from tests.support.server import TOKEN, hailong

A, B, C, D = (f"000.00.32.H56-261203-000{i}" for i in range(1, 5))


def test_unacknowledged_codes_survive_export_restore_and_the_next_pull(make_kiosk, make_config, tmp_path):
    k = make_kiosk("quay-1", db_name="card.db")
    cfg = make_config([k.entry()])
    demo_data.seed(cfg)
    for code in (A, B):
        k.store.append(rating(4), dossier=code)
    first = pull_kiosk(cfg.kiosks[0], cfg)
    assert (first.status, first.received, k.store.acked_seq()) == ("ok", 2, 2), first.line()
    assert k.store.dossiers_between(0, 10) == {}  # acked: the card forgot A and B
    k.store.append(rating(2), dossier=C)  # seq 3..5 recorded, never pulled
    k.store.append(rating(5))
    k.store.append(rating(1), dossier=D)
    pending = k.store.dossiers_between(2, 5)
    assert sorted(pending.values()) == [C, D]

    k.server.stop()
    result = export_store(k.store, tmp_path / "card.jsonl")
    k.store.close()
    assert result.manifest["dossiers"] == 2 and "2 dossier codes not yet acked" in result.line()
    text = (tmp_path / "card.jsonl").read_text(encoding="utf-8")
    assert C in text and D in text and A not in text and B not in text  # an acked code is not carried
    card = tmp_path / "kiosks" / "card.db"
    for leftover in card.parent.glob("card.db*"):  # the card is wiped and re-imaged
        leftover.unlink()
    restored = tmp_path / "new-card" / "kiosk.db"
    imported = import_file(tmp_path / "card.jsonl", restored, "quay-1")
    assert (imported.responses_added, imported.dossiers_added, imported.acked_seq) == (5, 2, 2)
    again = import_file(tmp_path / "card.jsonl", restored, "quay-1")
    assert not again.changed  # the same file twice: nothing doubled

    store = Store(restored, "quay-1")
    api = ApiServer(create_api(store, kiosk_id="quay-1", token=TOKEN), "127.0.0.1", 0).start()
    try:
        assert store.dossiers_between(0, 10) == pending
        cfg = make_config([("quay-1", f"http://127.0.0.1:{api.port}", TOKEN)])
        database.close()
        out = hailong("pull", "--once", "--config", str(cfg.path))  # a real server process, over HTTP
        assert out.returncode == 0, out.stdout + out.stderr
        uuids = {r.seq: r.uuid for r in Response.select()}
        assert sorted(uuids) == [1, 2, 3, 4, 5] and Epoch.select().count() == 1  # the same store went on
        links = {d.response_uuid: d.code for d in DossierLink.select()}
        assert links == {uuids[1]: A, uuids[2]: B, uuids[3]: C, uuids[5]: D}  # each once
        assert all(code not in r.body for r in Response.select() for code in (A, B, C, D))
        assert store.acked_seq() == 5 and store.dossiers_between(0, 10) == {}
    finally:
        api.stop()
        store.close()
    manifest = json.loads(Path(tmp_path / "card.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert manifest["format_version"] == 2
