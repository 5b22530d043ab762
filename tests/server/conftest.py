"""Shared fixtures for the server tests: a config on disk, the database, real kiosk APIs, and the
scenes several test modules share (helpers that tests import live in tests/support/).

Every test that uses `make_config` (or `backend`) runs twice: on SQLite and on a real
PostgreSQL named by HAILONG_TEST_PG_URL (`tests/server/postgres.sh` starts one and prints the
URL). Without that variable the PostgreSQL variant is skipped, saying so.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from kiosk.api import ApiServer, create_api
from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE
from kiosk.store import Store
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db import database, init_db
from sync_server.db.models import (
    Alert,
    Counter,
    Downstream,
    DownstreamRoster,
    Field,
    FleetKiosk,
    Officer,
    PullLog,
    Questionnaire,
    Quota,
    Response,
    ServiceAlert,
)
from sync_server.roster import photos as photo_files
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.field_rule import seed_month
from tests.support.images import image
from tests.support.qr import seed_roster, serving_qr
from tests.support.server import (
    PG_SKIP,
    PG_URL,
    TOKEN,
    KioskUnderTest,
    know_officers,
    reset_postgres,
    server_toml,
)
from tests.support.web import add_user, client_as


@pytest.fixture(autouse=True)
def _no_database_url_from_outside(monkeypatch):
    """DATABASE_URL in the developer's shell must not redirect the tests (or their subprocesses)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """The `database_url` for this variant: "" (SQLite under data_dir) or the PostgreSQL URL."""
    if request.param == "sqlite":
        return ""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def make_kiosk(tmp_path):
    """A real kiosk store + API on 127.0.0.1, port 0. `make_kiosk("quay-1")`."""
    made: list[KioskUnderTest] = []

    def make(kiosk_id: str = "quay-1", db_name: str | None = None) -> KioskUnderTest:
        store = Store(tmp_path / "kiosks" / (db_name or f"{kiosk_id}.db"), kiosk_id)
        server = ApiServer(create_api(store, kiosk_id=kiosk_id, token=TOKEN), "127.0.0.1", 0).start()
        k = KioskUnderTest(kiosk_id, store, server)
        made.append(k)
        return k

    yield make
    for k in made:
        k.server.stop()
        k.store.close()


@pytest.fixture
def make_config(tmp_path, backend):
    """Write server.toml for the given kiosks, load it and point the models at its database."""

    def make(kiosks: list[tuple[str, str, str]] = (), extra: str = "") -> server_config.ServerConfig:
        path = tmp_path / "server.toml"
        path.write_text(server_toml(tmp_path / "server-data", list(kiosks), extra=extra,
                                    database_url=backend), encoding="utf-8")
        cfg = server_config.load(path)
        init_db(cfg)
        return cfg

    yield make
    if not database.is_closed():
        database.close()


@pytest.fixture
def cfg(make_config):
    """A server.toml naming no kiosk, loaded, its database ready. A module whose pages need
    kiosks in it overrides this fixture (`app`, `client` and `admin` then use that one)."""
    return make_config()


@pytest.fixture
def app(cfg):
    """The staff web app on `cfg`."""
    return create_app(cfg)


@pytest.fixture
def client(app):
    """A test client of `app`, not logged in."""
    return app.test_client()


@pytest.fixture
def admin(app):
    """A test client of `app` logged in as "admin", a user with the admin role."""
    add_user("admin", "admin")
    return client_as(app, "admin")


@pytest.fixture
def full_site(make_config):
    """An app with data behind every URL: a pulled kiosk, an open alert, minutes, three users.
    (app, {role: user}, a value for every argument of a URL rule)."""
    fake = FakeKiosk("quay-1", "store-a", make_chain("store-a", 3))
    cfg = make_config([("quay-1", fake.url, TOKEN)])
    know_officers("nv-lan")
    # A photo behind the staff's preview URL (not public: the public URL must not need it).
    name = photo_files.store(cfg.data_dir, "nv-lan", image("JPEG", (40, 40)))
    Officer.update(photo_file=name).where(Officer.code == "nv-lan").execute()
    pull_kiosk(cfg.kiosks[0], cfg)
    fake.responses = fake.responses[:1]  # went backwards: a chain alert
    pull_kiosk(cfg.kiosks[0], cfg)
    app = create_app(cfg)
    users = {role: add_user(role, role) for role in ("admin", "staff", "viewer")}
    Field.create(code="tu-phap", name="Tư pháp")
    Counter.create(code="quay-a", name="Quầy A", kiosk_id="quay-1", officers='["nv-lan"]')
    qn = Questionnaire.create(qid="overall", version=1, document=json.dumps(BUILTIN_QUESTIONNAIRE))
    FleetKiosk.create(id="quay-2", name="Quầy 2", url="http://127.0.0.1:9", token="t" * 24)
    quota = Quota.create(field_code="", target=30, start=date(2026, 4, 1), end=date(2026, 10, 31))
    service = ServiceAlert.create(subject_kind="officer", subject="nv-lan",
                                  started_utc=datetime(2026, 11, 23), ended_utc=datetime(2026, 11, 23, 0, 10),
                                  responses=4, answers=4, low=4)
    first = PullLog.select().first()  # and a collection opened by hand, with its biên bản
    opened = PullLog.create(kiosk_id="quay-1", started_at=first.started_at, finished_at=first.finished_at,
                            status="ok", opened_by="admin")
    args = {"kiosk_id": "quay-1", "alert_id": Alert.get().id, "log_id": first.id, "opened_id": opened.id,
            "day": first.started_at.date().isoformat(),
            "user_id": users["viewer"].id, "response_id": Response.select().first().id,
            "officer_code": "nv-lan", "field_code": "tu-phap", "counter_code": "quay-a", "qn_id": qn.id,
            "fleet_id": "quay-2", "quota_id": quota.id, "service_alert_id": service.id,
            "code": "nv-lan", "score": 5, "server_id": "xa-moi", "contact_id": 1}
    # A commune server enrolled on the hub's page (its token's hash only).
    Downstream.create(id="xa-moi", name="Xã Mới", token_sha256="0" * 64)
    # ... whose officer nv-lan has a photo marked public there, as the hub keeps it.
    DownstreamRoster.create(server_id="xa-moi", kind="officer", code="nv-lan", name="Lan",
                            data=json.dumps({"code": "nv-lan", "photo_sha256": "0" * 64}))
    photo_files.hub_dir(cfg.data_dir, "xa-moi").mkdir(parents=True)
    (photo_files.hub_dir(cfg.data_dir, "xa-moi") / "nv-lan.jpg").write_bytes(image("JPEG", (40, 40)))
    yield app, users, args
    fake.stop()


@pytest.fixture
def month(cfg):
    """~400 responses from the first day of this month (local) until now under the field-rule
    roster (tests/support/field_rule.py): (config, today)."""
    return cfg, seed_month(cfg)


@pytest.fixture
def qr_server(tmp_path, backend):
    """`hailong-server serve` on the QR tests' roster, asking the citizen's name: (base URL, config path)."""
    with serving_qr(tmp_path, backend, "[qr]\nask_name = true\n", seed_roster) as running:
        yield running
