"""The kiosk config and `hailong-kiosk verify`/`status`: one clear line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import config
from kiosk.shared import pairing
from kiosk.shared.exc import ConfigError
from kiosk.store import Store
from tests.support.kiosk_core import rating

REPO = Path(__file__).resolve().parents[2]

GOOD = """
[kiosk]
id = "quay-1"
data_dir = "{data}"
[api]
host = "127.0.0.1"
port = 8765
token = "0123456789abcdef0123"
[flow]
cooldown_s = 0
thanks_s = 3
[gpio]
rating_pins = [5, 6, 13, 19, 26]
"""


def write(tmp_path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text.replace("{data}", str(tmp_path / "data")), encoding="utf-8")
    return p


def test_good_config(tmp_path):
    cfg = config.load(write(tmp_path, GOOD))
    assert cfg.kiosk_id == "quay-1" and cfg.api_port == 8765 and cfg.cooldown_s == 0
    assert cfg.gpio is not None and cfg.gpio.rating_pins == (5, 6, 13, 19, 26)
    assert cfg.db_path == tmp_path / "data" / "kiosk.db"


def test_no_gpio_table_means_no_gpio(tmp_path):
    cfg = config.load(write(tmp_path, GOOD.split("[gpio]")[0]))
    assert cfg.gpio is None


@pytest.mark.parametrize("old,new,key", [
    ('id = "quay-1"', 'id = ""', "kiosk.id"),
    ('id = "quay-1"', 'id = "quầy 1"', "kiosk.id"),
    ('id = "quay-1"\n', "", "kiosk.id"),
    ("port = 8765", "port = 70000", "api.port"),
    ("port = 8765", 'port = "8765"', "api.port"),
    ('token = "0123456789abcdef0123"', 'token = "short"', "api.token"),
    ("cooldown_s = 0", "cooldown_s = -1", "flow.cooldown_s"),
    ("thanks_s = 3", "thanks_s = true", "flow.thanks_s"),
    ("thanks_s = 3", "thanks_s = 3\nthanks_qr_s = \"20\"", "flow.thanks_qr_s"),
    ("thanks_s = 3", "thanks_s = 3\nthanks_qr_s = 0", "flow.thanks_qr_s"),
    ("[5, 6, 13, 19, 26]", "[5, 6, 13]", "gpio.rating_pins"),
    ("[5, 6, 13, 19, 26]", "[5, 5, 13, 19, 26]", "gpio.rating_pins"),
    ("[5, 6, 13, 19, 26]", "[5, 6, 13, 19, 99]", "gpio.rating_pins"),
    ("[api]", "[apii]", "[api]"),
])
def test_bad_values_name_file_and_key(tmp_path, old, new, key):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as e:
        config.load(path)
    assert str(path) in str(e.value) and key in str(e.value)


def test_not_toml(tmp_path):
    path = write(tmp_path, "[kiosk\nid=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60)


def test_cli_config_error_is_one_line_exit_2(tmp_path):
    path = write(tmp_path, GOOD.replace("port = 8765", "port = 0"))
    for command in ("verify", "status", "run"):
        p = run_cli(command, "--config", str(path))
        assert p.returncode == 2
        assert "Traceback" not in p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "api.port" in lines[0] and str(path) in lines[0]


def test_cli_missing_config_file(tmp_path):
    p = run_cli("verify", "--config", str(tmp_path / "nope.toml"))
    assert p.returncode == 2 and "file not found" in p.stderr and "Traceback" not in p.stderr


def test_verify_ok_then_broken(tmp_path):
    path = write(tmp_path, GOOD)
    cfg = config.load(path)
    store = Store(cfg.db_path, cfg.kiosk_id)
    rs = [store.append(rating(4)) for _ in range(4)]
    p = run_cli("verify", "--config", str(path))
    assert p.returncode == 0 and "OK: 4 responses" in p.stdout
    # Forge seq 2 through SQLite itself (dropping the append-only guard, as an attacker would).
    with store.db.connection_context():
        store.db.execute_sql("DROP TRIGGER response_no_update")
        forged = json.dumps({**rs[1], "answers": {"q1": 5}}, sort_keys=True, separators=(",", ":"))
        store.db.execute_sql("UPDATE response SET body = ? WHERE seq = 2", (forged,))
    store.close()
    p = run_cli("verify", "--config", str(path))
    assert p.returncode == 1
    assert "BROKEN at seq 2" in p.stdout


def test_status_json(tmp_path):
    path = write(tmp_path, GOOD)
    cfg = config.load(path)
    store = Store(cfg.db_path, cfg.kiosk_id)
    store.append(rating())
    store.ack(1)
    store.append(rating())
    p = run_cli("status", "--config", str(path), "--json")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["last_seq"] == 2 and s["acked_seq"] == 1 and s["unacked"] == 1
    assert s["store_id"] == store.store_id
    # The pairing code carries what the server's "add a kiosk" form needs, and reads back whole.
    paired = pairing.decode(s["pairing_code"])
    assert (paired.kiosk_id, paired.token) == (cfg.kiosk_id, cfg.api_token)
    assert paired.url.endswith(f":{cfg.api_port}")
