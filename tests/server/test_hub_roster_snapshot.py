"""The hub keeps a commune's roster snapshot (snapshot.keep_roster): what changed since the last
batch is written, in one statement, nothing else touched; a code the commune dropped stays known;
a code listed twice keeps its last entry (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sync_server.db import connection
from sync_server.db.models import DownstreamRoster
from sync_server.upstream import snapshot


def held(server_id: str) -> dict[tuple[str, str], tuple[str, datetime]]:
    return {(r.kind, r.code): (r.name, r.updated_at)
            for r in DownstreamRoster.select().where(DownstreamRoster.server_id == server_id)}


def test_only_what_changed_is_written_and_nothing_is_dropped(make_config, tmp_path):
    make_config()
    first, later = datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 2, 8, 0)
    roster = {"officer": [{"code": "nv-lan", "name": "Nguyễn Thị Lan"}, {"code": "nv-hung", "name": "Hùng"},
                          {"code": "nv-lan", "name": "Nguyễn Thị Lan (Phó)"}],
              "procedure": [{"code": "1.001193", "name": "Đăng ký khai sinh"}]}
    with connection():
        snapshot.keep_roster("xa-a", roster, first, tmp_path)
        snapshot.keep_roster("xa-b", {"officer": [{"code": "nv-lan", "name": "Lan (xã B)"}]}, first, tmp_path)
        assert held("xa-a") == {("officer", "nv-lan"): ("Nguyễn Thị Lan (Phó)", first),
                                ("officer", "nv-hung"): ("Hùng", first),
                                ("procedure", "1.001193"): ("Đăng ký khai sinh", first)}
        roster = {"officer": [{"code": "nv-lan", "name": "Nguyễn Thị Lan (Phó)"},
                              {"code": "nv-hung", "name": "Trần Văn Hùng"}]}
        snapshot.keep_roster("xa-a", roster, later, tmp_path)
        assert held("xa-a") == {("officer", "nv-lan"): ("Nguyễn Thị Lan (Phó)", first),
                                ("officer", "nv-hung"): ("Trần Văn Hùng", later),
                                ("procedure", "1.001193"): ("Đăng ký khai sinh", first)}
        assert held("xa-b") == {("officer", "nv-lan"): ("Lan (xã B)", first)}
