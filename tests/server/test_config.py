"""server.toml: defaults, and every bad value named by file and key (DESIGN.md §3b)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.shared.exc import ConfigError
from sync_server import config

GOOD_KIOSK = '[[kiosks]]\nid = "quay-1"\nurl = "http://quay-1.local:8765"\ntoken = "%s"\n' % ("x" * 20)


def write(tmp_path, text: str):
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path):
    cfg = config.load(write(tmp_path, f'[server]\ndata_dir = "{tmp_path}"\n' + GOOD_KIOSK))
    assert (cfg.host, cfg.port, cfg.pull_interval_s) == ("0.0.0.0", 5000, 30)
    assert cfg.timezone == "Asia/Ho_Chi_Minh" and cfg.satisfaction_target == 0.9
    assert cfg.database_url == "" and cfg.sqlite_path == tmp_path / "server.db"
    assert cfg.unit_name == "Trung tâm Phục vụ hành chính công"
    assert cfg.kiosks == (config.KioskEntry("quay-1", "http://quay-1.local:8765", "x" * 20),)


def test_full_file(tmp_path):
    cfg = config.load(write(tmp_path, f"""
[server]
data_dir = "{tmp_path}"
database_url = "postgresql://u:p@db/hailong"
host = "127.0.0.1"
port = 8080
pull_interval_s = 10
timezone = "Asia/Bangkok"
satisfaction_target = 0.95
[unit]
name = "UBND xã Đại Lãnh"
[[kiosks]]
id = "quay-1"
url = "https://10.0.0.5:8765/"
token = "{"a" * 16}"
[[kiosks]]
id = "quay-2"
url = "http://10.0.0.6:8765"
token = "{"b" * 40}"
"""))
    assert cfg.port == 8080 and cfg.database_url.startswith("postgresql://")
    assert cfg.unit_name == "UBND xã Đại Lãnh" and cfg.satisfaction_target == 0.95
    assert [k.url for k in cfg.kiosks] == ["https://10.0.0.5:8765", "http://10.0.0.6:8765"]


SERVER = '[server]\ndata_dir = "/tmp/x"\n'


@pytest.mark.parametrize("text,key", [
    ("", "[server]"),
    ("[server]\nport = 5000\n", "server.data_dir"),
    (SERVER + "port = 0\n", "server.port"),
    (SERVER + 'port = "5000"\n', "server.port"),
    (SERVER + "pull_interval_s = 0\n", "server.pull_interval_s"),
    (SERVER + 'timezone = "Mars/Olympus"\n', "server.timezone"),
    (SERVER + "satisfaction_target = 90\n", "server.satisfaction_target"),
    (SERVER + 'database_url = "hailong.db"\n', "server.database_url"),
    (SERVER + "[unit]\nname = \"\"\n", "unit.name"),
    ('kiosks = "quay-1"\n' + SERVER, "kiosks"),
    (SERVER + '[[kiosks]]\nurl = "http://a:1"\ntoken = "%s"\n' % ("x" * 20), "kiosks[0].id"),
    (SERVER + '[[kiosks]]\nid = "quầy 1"\nurl = "http://a:1"\ntoken = "%s"\n' % ("x" * 20),
     "kiosks[0].id"),
    (SERVER + '[[kiosks]]\nid = "q1"\nurl = "ftp://a:1"\ntoken = "%s"\n' % ("x" * 20), "kiosks[0].url"),
    (SERVER + '[[kiosks]]\nid = "q1"\nurl = "quay-1:8765"\ntoken = "%s"\n' % ("x" * 20),
     "kiosks[0].url"),
    (SERVER + GOOD_KIOSK + '[[kiosks]]\nid = "q2"\nurl = "http://a:1"\ntoken = "short"\n',
     "kiosks[1].token"),
    (SERVER + GOOD_KIOSK + GOOD_KIOSK, "kiosks[1].id"),
    (SERVER + "[alerts]\nlow_share_pct = 0.5\n", "alerts.low_share_pct"),
    (SERVER + "[alerts]\nmin_responses = 0\n", "alerts.min_responses"),
    (SERVER + '[alerts]\nwindow_minutes = "15"\n', "alerts.window_minutes"),
    (SERVER + '[board]\nshow_officers = "yes"\n', "board.show_officers"),
    (SERVER + "[reports]\nmin_visits = 0\n", "reports.min_visits"),
    ("[server\n", ""),
])
def test_bad_values_name_the_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        config.load(path)
    assert e.value.key == key
    assert str(e.value).startswith(f"{path}: ")
    assert "\n" not in str(e.value)


def test_token_too_short_message(tmp_path):
    path = write(tmp_path, SERVER + '[[kiosks]]\nid = "q1"\nurl = "http://a:1"\ntoken = "short"\n')
    with pytest.raises(ConfigError, match=r"server.toml: kiosks\[0\].token: too short"):
        config.load(path)


@pytest.mark.parametrize("command", [["pull", "--once"], ["serve"], ["seed-demo"], ["init-db"],
                                     ["create-admin", "--username", "admin", "--password-stdin"]])
def test_cli_config_error_is_one_line_exit_2(tmp_path, command):
    path = write(tmp_path, SERVER + "port = 70000\n")
    proc = subprocess.run([sys.executable, "-m", "sync_server", *command, "--config", str(path)],
                          capture_output=True, text=True, input="", timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{path}: server.port: must be between 1 and 65535, got 70000"
    assert "Traceback" not in proc.stderr


def test_cli_missing_file_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sync_server", "pull", "--once",
                           "--config", str(tmp_path / "nope.toml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "file not found" in proc.stderr


def test_database_url_from_the_environment_wins(tmp_path):
    path = write(tmp_path, SERVER + 'database_url = "postgresql://a:b@file/db"\n')
    cfg = config.load(path, environ={"DATABASE_URL": "postgresql://u:p@env:5432/hailong"})
    assert cfg.database_url == "postgresql://u:p@env:5432/hailong"
    assert config.load(path, environ={}).database_url == "postgresql://a:b@file/db"
    assert config.load(path, environ={"DATABASE_URL": "  "}).database_url == "postgresql://a:b@file/db"


@pytest.mark.parametrize("url,problem", [
    ("mysql://u:p@h/db", "unsupported scheme 'mysql'"),
    ("postgresql://u:p@h", "names no database"),
    ("postgresql://u:p@h/", "names no database"),
    ("hailong.db", "must be empty (SQLite) or a URL"),
])
def test_bad_database_url_is_named_and_not_echoed(tmp_path, url, problem):
    path = write(tmp_path, SERVER + f'database_url = "{url}"\n')
    with pytest.raises(ConfigError) as e:
        config.load(path, environ={})
    assert e.value.key == "server.database_url" and problem in str(e.value)
    with pytest.raises(ConfigError) as e:
        config.load(write(tmp_path, SERVER), environ={"DATABASE_URL": url})
    assert e.value.key == "DATABASE_URL (environment)" and problem in str(e.value)
    assert "u:p" not in str(e.value)


def test_pull_timeouts_and_alert_thresholds(tmp_path):
    cfg = config.load(write(tmp_path, SERVER))
    assert (cfg.connect_timeout_s, cfg.read_timeout_s, cfg.max_backoff_s) == (3, 15, 600)
    assert (cfg.silent_alert_s, cfg.clock_alert_s) == (3600, 300)
    cfg = config.load(write(tmp_path, SERVER + "read_timeout_s = 2.5\nsilent_alert_minutes = 10\n"))
    assert (cfg.read_timeout_s, cfg.silent_alert_s) == (2.5, 600)
    with pytest.raises(ConfigError, match="server.connect_timeout_s"):
        config.load(write(tmp_path, SERVER + "connect_timeout_s = 0\n"))


def test_service_alert_rule_and_board(tmp_path):
    from datetime import timedelta

    cfg = config.load(write(tmp_path, SERVER))
    rule = cfg.service_alert_rule
    assert (rule.low_share, rule.window, rule.min_responses) == (0.5, timedelta(minutes=15), 4)
    assert cfg.board_show_officers is False
    cfg = config.load(write(tmp_path, SERVER + "[alerts]\nlow_share_pct = 75\nwindow_minutes = 30\n"
                                               "min_responses = 6\n[board]\nshow_officers = true\n"))
    rule = cfg.service_alert_rule
    assert (rule.low_share, rule.window, rule.min_responses) == (0.75, timedelta(minutes=30), 6)
    assert cfg.board_show_officers is True


def test_reports_min_visits(tmp_path):
    assert config.load(write(tmp_path, SERVER)).min_visits == 10
    assert config.load(write(tmp_path, SERVER + "[reports]\nmin_visits = 25\n")).min_visits == 25


def test_the_names_the_code_and_the_docs_use_are_read_from_sync_server_config():
    # config/ is a package by job (qr, machines); its modules' public names stay where they were.
    from sync_server.config import machines, qr

    c = config

    assert c.QrConfig is qr.QrConfig and c.KioskEntry is machines.KioskEntry
    assert c.UpstreamConfig is machines.UpstreamConfig and c.DownstreamEntry is machines.DownstreamEntry
    assert (c.QR_KIOSK_ID, c.MIN_TOKEN_LENGTH) == ("qr", 16)
    for name in ("ServerConfig", "AlertRule", "ConfigError", "load", "check_database_url", "district_word",
                 "DEFAULT_PATH", "DEFAULT_SIGNER", "DATABASE_URL_ENV"):
        assert hasattr(c, name), name
    assert set(c.__all__) <= set(dir(c))
