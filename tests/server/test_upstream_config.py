"""[upstream] (a commune server pushing to the province hub) and [[downstream]] (the hub's commune
servers) in server.toml: DESIGN.md §6; every bad value is one line naming file and key."""

from __future__ import annotations

import pytest

from kiosk.shared.exc import ConfigError
from sync_server import config

SERVER = '[server]\ndata_dir = "/tmp/x"\n'
T1, T2 = "a" * 24, "b" * 24
UP = f'[upstream]\nurl = "http://hub.example:5000/"\nserver_id = "xa-dai-lanh"\ntoken = "{T1}"\n'


def down(i: str, token: str, name: str = "Trung tâm xã") -> str:
    return f'[[downstream]]\nid = "{i}"\nname = "{name}"\ntoken = "{token}"\n'


def write(tmp_path, text: str):
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_neither_table_means_no_upstream_and_no_downstream(tmp_path):
    cfg = config.load(write(tmp_path, SERVER))
    assert cfg.upstream is None and cfg.downstream == ()


def test_upstream_and_downstream_read(tmp_path):
    cfg = config.load(write(tmp_path, SERVER + UP + "interval_s = 60\n"
                            + down("xa-dai-lanh", T1, "Trung tâm Phục vụ hành chính công xã Đại Lãnh")
                            + down("xa-van-ninh", T2)))
    assert cfg.upstream == config.UpstreamConfig("http://hub.example:5000", "xa-dai-lanh", T1, 60)
    assert [(d.id, d.token) for d in cfg.downstream] == [("xa-dai-lanh", T1), ("xa-van-ninh", T2)]
    assert cfg.downstream[0].name == "Trung tâm Phục vụ hành chính công xã Đại Lãnh"
    assert config.load(write(tmp_path, SERVER + UP)).upstream.interval_s == 300


@pytest.mark.parametrize("text,key", [
    (SERVER + f'[upstream]\nserver_id = "x"\ntoken = "{T1}"\n', "upstream.url"),
    (SERVER + UP.replace("http://hub.example:5000/", "hub.example:5000"), "upstream.url"),
    (SERVER + UP.replace('"xa-dai-lanh"', '"xã đại lãnh"'), "upstream.server_id"),
    (SERVER + UP.replace(T1, "short"), "upstream.token"),
    (SERVER + UP + "interval_s = 0\n", "upstream.interval_s"),
    ('upstream = "http://hub"\n' + SERVER, "[upstream]"),
    ('downstream = "x"\n' + SERVER, "downstream"),
    (SERVER + down("xa 1", T1), "downstream[0].id"),
    (SERVER + down("xa-1", T1) + down("xa-1", T2), "downstream[1].id"),
    (SERVER + down("xa-1", T1) + down("xa-2", T1), "downstream[1].token"),
    (SERVER + down("xa-1", "short"), "downstream[0].token"),
    (SERVER + down("xa-1", T1, name=""), "downstream[0].name"),
])
def test_bad_values_name_the_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        config.load(path)
    assert e.value.key == key
    assert str(e.value).startswith(f"{path}: ") and "\n" not in str(e.value)


def test_a_bad_token_is_never_echoed(tmp_path):
    secret = "s3cr3t-but-short"[:15]
    with pytest.raises(ConfigError) as e:
        config.load(write(tmp_path, SERVER + UP.replace(T1, secret)))
    assert secret not in str(e.value)


def test_push_without_an_upstream_table_is_one_line_exit_2(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, f'[server]\ndata_dir = "{tmp_path / "data"}"\n')
    proc = subprocess.run([sys.executable, "-m", "sync_server", "push", "--once", "--config", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"{path}: [upstream]: missing table (url, server_id, token of the "
                                   "province hub)")
