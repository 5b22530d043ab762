"""[qr] in server.toml: defaults, every key checked, errors name the key."""

from __future__ import annotations

import pytest

from kiosk.shared.exc import ConfigError
from sync_server import config

KIOSK = '[[kiosks]]\nid = "quay-1"\nurl = "http://quay-1.local:8765"\ntoken = "%s"\n' % ("x" * 20)


def load(tmp_path, qr: str) -> config.ServerConfig:
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n{qr}\n{KIOSK}', encoding="utf-8")
    return config.load(path)


def test_defaults_and_a_full_section(tmp_path):
    assert load(tmp_path, "").qr == config.QrConfig()
    assert (config.QrConfig().per_device, config.QrConfig().window_minutes) == (1, 10)
    qr = load(tmp_path, '[qr]\nask_name = true\nwifi_name = "UBND-Khach"\npublic_url = "http://10.0.0.2:5000/"\n'
                        "one_time = true\nper_device = 2\nper_ip = 5\nwindow_minutes = 30\n"
                        "kiosk_ticket_hours = 1\nprinted_ticket_days = 7\nkiosk_qr = true\n").qr
    assert qr == config.QrConfig(True, "UBND-Khach", "http://10.0.0.2:5000", True, 2, 5, 30, 1, 7, True)


def test_the_complaint_channel(tmp_path):
    assert (config.QrConfig().complaint_phone, config.QrConfig().complaint_address) == ("", "")
    qr = load(tmp_path, '[qr]\ncomplaint_phone = " 0258  3840 123 "\n'
                        'complaint_address = " Bộ phận Một cửa, UBND xã Đại Lãnh "\n').qr
    assert qr.complaint_phone == "0258 3840 123"
    assert qr.complaint_address == "Bộ phận Một cửa, UBND xã Đại Lãnh"
    assert load(tmp_path, '[qr]\ncomplaint_phone = "+84 (258) 3840-123"\n').qr.complaint_phone == \
        "+84 (258) 3840-123"
    assert load(tmp_path, '[qr]\ncomplaint_phone = "1022"\n').qr.complaint_phone == "1022"


@pytest.mark.parametrize("qr,key", [
    ("ask_name = 1", "qr.ask_name"),
    ('public_url = "10.0.0.2:5000"', "qr.public_url"),
    ('public_url = "http://10.0.0.2/?x=1"', "qr.public_url"),
    ("per_device = 0", "qr.per_device"),
    ("window_minutes = -1", "qr.window_minutes"),
    ("kiosk_ticket_hours = 0", "qr.kiosk_ticket_hours"),
    ('wifi_name = "%s"' % ("w" * 65), "qr.wifi_name"),
    ("kiosk_qr = true", "qr.kiosk_qr"),
    ('complaint_phone = "call us"', "qr.complaint_phone"),
    ('complaint_phone = "12"', "qr.complaint_phone"),
    ("complaint_phone = 1022", "qr.complaint_phone"),
    ('complaint_address = "%s"' % ("a" * 201), "qr.complaint_address"),
    ('complaint_address = "line one\\nline two"', "qr.complaint_address"),
])
def test_bad_values_name_the_key(tmp_path, qr, key):
    with pytest.raises(ConfigError) as e:
        load(tmp_path, "[qr]\n" + qr)
    assert e.value.key == key and "\n" not in str(e.value)


def test_the_qr_kiosk_id_is_reserved(tmp_path):
    path = tmp_path / "server.toml"
    text = f'[server]\ndata_dir = "{tmp_path}"\n' + KIOSK.replace("quay-1", "qr", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="reserved for the server's QR page"):
        config.load(path)
