"""The province hub end to end (DESIGN.md §6): real commune servers on SQLite, pulling
protocol-faithful kiosks, push with `hailong-server push --once` to a real hub process
(`hailong-server serve`) on PostgreSQL. What the hub holds of each commune equals what the
commune holds; faults lose nothing acknowledged and store nothing twice."""

from __future__ import annotations

from datetime import date

import pytest

from sync_server import config as server_config
from sync_server.db import database, init_db
from sync_server.reports import queries
from tests.server.chains import make_chain
from tests.server.conftest import PG_SKIP, PG_URL, reset_postgres
from tests.server.fake_kiosk import FakeKiosk
from tests.support.hub import TOKENS, Hub, cli, commune_toml, hub_toml
from tests.support.kiosk_process import free_port

pytestmark = pytest.mark.e2e
WHOLE = queries.Filters(date(2026, 1, 1), date(2026, 12, 31))
BY = ("officer", "procedure", "kiosk", "channel", "question", "day")


def varied(seq: int) -> dict:
    """Responses over twenty days, two officers, some partial, every score."""
    return {"officer": ("nv-lan", "nv-hung", None)[seq % 3], "answers": {"q1": seq % 5 + 1},
            "recorded_at": f"2026-11-{1 + seq % 20:02d}T{8 + seq % 9:02d}:15:02.120+07:00",
            "partial": seq % 11 == 0}


@pytest.fixture
def hub(tmp_path):
    if not PG_URL:
        pytest.skip(PG_SKIP)
    reset_postgres(PG_URL)
    port = free_port()
    h = Hub(hub_toml(tmp_path / "hub.toml", port, PG_URL), port).start()
    yield h
    log = h.stop()
    assert not any(token in log for token in TOKENS.values()), "a token in the hub's log"
    if database.obj is not None and not database.is_closed():
        database.close()


@pytest.fixture
def kiosks():
    made: list[FakeKiosk] = []

    def make(kiosk_id: str, store_id: str, n: int) -> FakeKiosk:
        k = FakeKiosk(kiosk_id, store_id, make_chain(store_id, n, kiosk_id=kiosk_id, each=varied))
        made.append(k)
        return k

    yield make
    for k in made:
        k.stop()


def commune(tmp_path, server_id: str, hub_url: str, fakes: list[FakeKiosk], **kw):
    path = commune_toml(tmp_path / f"{server_id}.toml", server_id, hub_url,
                        {k.kiosk_id: k.url for k in fakes}, **kw)
    assert cli("seed-demo", "--config", str(path)).returncode == 0
    pull(path)
    return path


def pull(path) -> None:
    pulled = cli("pull", "--once", "--config", str(path))
    assert pulled.returncode == 0 and "refused" not in pulled.stdout, pulled.stdout + pulled.stderr


def push(path, *extra: str):
    return cli("push", "--once", "--config", str(path), *extra)


def open_db(path) -> server_config.ServerConfig:
    if database.obj is not None and not database.is_closed():
        database.close()
    cfg = server_config.load(path)
    init_db(cfg)
    return cfg


def figures(path, unit: str | None = None) -> dict:
    """Every figure the reports read, from the rollups, as plain numbers."""
    open_db(path)
    f = queries.Filters(WHOLE.start, WHOLE.end, unit=unit)
    return {k: (c.responses, c.partial, c.counts) for k, c in queries.figures(f, BY).items()}


def held(path, unit: str = "") -> dict[tuple[str, int], str]:
    """(store, seq) → the sealed response as stored, for one unit."""
    open_db(path)
    rows = database.execute_sql('SELECT "store_id", "seq", "body" FROM "response" WHERE "unit" = '
                                f'{database.obj.param}', (unit,)).fetchall()
    return {(s, q): b for s, q, b in rows}


def test_two_communes_push_in_pages_and_the_hub_holds_exactly_what_each_holds(tmp_path, hub, kiosks):
    a = commune(tmp_path, "xa-a", hub.base, [kiosks("quay-1", "store-a1", 230),
                                             kiosks("quay-2", "store-a2", 40)])
    # Commune B has a kiosk named quay-1 too and officers with the same codes: (server_id, code).
    b = commune(tmp_path, "xa-b", hub.base, [kiosks("quay-1", "store-b1", 90)])

    first = push(a, "--page", "50")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "push: ok, 270 sent, 0 left"
    assert push(b).returncode == 0

    hub_cfg = hub.config
    for path, unit in ((a, "xa-a"), (b, "xa-b")):
        assert held(hub_cfg, unit) == held(path), unit  # exactly what the kiosks sealed
        assert figures(hub_cfg, unit) == figures(path), unit
    open_db(hub_cfg)
    by_unit = {k: c.responses for k, c in queries.figures(WHOLE, ("unit", "officer")).items()}
    # varied(): nv-lan serves every third seq of each store
    assert by_unit[("xa-a", "nv-lan")] == 230 // 3 + 40 // 3 and by_unit[("xa-b", "nv-lan")] == 90 // 3

    again = push(a)
    assert again.returncode == 0 and again.stdout.strip() == "push: ok, 0 sent, 0 left"
    assert len(held(hub_cfg, "xa-a")) == 270
