"""A roster for the QR page tests: two questions, reasons, fields and procedures, a counter with
two officers on duty and one officer alone; a real `serve` process on such a database, and the
QR responses it stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sync_server import config as server_config
from sync_server.db import database, init_db
from sync_server.db.models import Field, KioskSetting, Officer, Procedure, Questionnaire, Response
from tests.support.server import TOKEN, free_port, server_toml
from tests.support.serving import serving

QUESTIONNAIRE = {
    "id": "tt01", "version": 2,
    "questions": [
        {"code": "q1", "text": {"vi": "Ông/Bà hài lòng với thái độ của cán bộ?",
                                "en": "The officer's manner?"}},
        {"code": "q2", "text": {"vi": "Ông/Bà hài lòng với thời gian giải quyết?",
                                "en": "The time it took?"}},
    ],
    "reasons": [
        {"code": "cho-lau", "text": {"vi": "Chờ lâu", "en": "Long wait"}},
        {"code": "thai-do", "text": {"vi": "Thái độ chưa tốt", "en": "Rude"}},
        {"code": "thieu-ht", "text": {"vi": "Hướng dẫn chưa rõ", "en": "Unclear guidance"}},
    ],
}


def seed_roster() -> None:
    Field.create(code="tu-phap", name="Tư pháp – Hộ tịch", sort=0)
    Field.create(code="dia-chinh", name="Địa chính – Xây dựng", sort=1)
    Officer.create(code="nv-lan", name="Nguyễn Thị Lan", title="Công chức Tư pháp – Hộ tịch", sort=0)
    Officer.create(code="nv-hung", name="Trần Văn Hùng", title="Công chức Tư pháp – Hộ tịch", sort=1)
    Officer.create(code="nv-minh", name="Lê Quang Minh", title="Công chức Địa chính", sort=2)
    Procedure.create(code="1.001193", name="Thủ tục đăng ký khai sinh", field="tu-phap")
    Procedure.create(code="1.000894", name="Thủ tục đăng ký kết hôn", field="tu-phap")
    Procedure.create(code="dp-hoa-giai-dat", name="Hòa giải tranh chấp đất đai", field="dia-chinh")
    Questionnaire.create(qid="tt01", version=2, active=True,
                         document=json.dumps(QUESTIONNAIRE, ensure_ascii=False))
    KioskSetting.create(kiosk_id="quay-1", mode="counter", officers_on_duty=json.dumps(["nv-lan", "nv-hung"]))


@contextmanager
def serving_qr(tmp_path, backend, extra: str, seed: Callable[[], None]) -> Iterator[tuple[str, Path]]:
    """`hailong-server serve` (waitress) on a fresh database seeded by `seed`."""
    port = free_port()
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [("quay-1", "http://127.0.0.1:9", TOKEN)], port=port,
                                database_url=backend, extra=extra), encoding="utf-8")
    init_db(server_config.load(path))
    seed()
    database.close()
    try:
        with serving(path, port) as base:
            yield base, path
    finally:
        if not database.is_closed():
            database.close()


def stored(path: Path) -> list[dict]:
    """The QR channel's responses in the database of the server.toml at `path`, in order."""
    init_db(server_config.load(path), create=False)
    try:
        rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
        return [json.loads(r.body) for r in rows]
    finally:
        database.close()
