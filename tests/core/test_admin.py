"""The admin screen's PIN lock-out, its config and the facts it shows."""

from __future__ import annotations

import subprocess

import pytest

from kiosk import config
from kiosk.shared.exc import ConfigError
from kiosk.ui import admin
from tests.support.kiosk_core import FakeClock, kiosk_toml, rating


def test_five_wrong_pins_lock_even_the_right_one_out():
    clock = FakeClock()
    lock = admin.PinLock("482916", now=clock)
    assert [lock.check("000000") for _ in range(4)] == ["wrong"] * 4
    assert lock.check("111111") == "locked"
    assert lock.check("482916") == "locked" and lock.locked_for() == pytest.approx(300)
    clock.advance(299)
    assert lock.check("482916") == "locked"
    clock.advance(1)
    assert lock.check("482916") == "ok"


def test_a_right_pin_resets_the_count():
    lock = admin.PinLock("482916", now=FakeClock())
    for _ in range(4):
        lock.check("0")
    assert lock.check("482916") == "ok"
    assert [lock.check("0") for _ in range(4)] == ["wrong"] * 4


def test_no_admin_table_means_no_admin_screen(tmp_path):
    assert config.load(kiosk_toml(tmp_path, "")).admin_pin is None


@pytest.mark.parametrize("pin, problem", [("12a4", "4 to 12 digits"), ("123", "4 to 12 digits"),
                                          ("0000", "too easy"), ("123456", "too easy")])
def test_bad_pins_are_refused_naming_the_key(tmp_path, pin, problem):
    with pytest.raises(ConfigError) as e:
        config.load(kiosk_toml(tmp_path, f'[admin]\npin = "{pin}"\n'))
    assert "admin" in str(e.value) and "pin" in str(e.value) and problem in str(e.value)


def test_facts_count_stored_and_acked(store):
    for score in (5, 4, 3):
        store.append(rating(score))
    store.ack(2)
    facts = admin.gather(store, kiosk_id="quay-1", api_port=8765, roster_version=0, last_server_contact="")
    assert (facts.stored, facts.acked, facts.safe_to_reimage) == (3, 2, False)
    store.ack(3)
    assert admin.gather(store, kiosk_id="quay-1", api_port=8765, roster_version=0,
                        last_server_contact="").safe_to_reimage
    assert facts.free_disk_mb > 0


def test_ip_addresses_skip_loopback():
    def fake_run(*_args, **_kwargs):
        return subprocess.CompletedProcess([], 0, stdout="127.0.0.1 192.168.1.23 fe80::1\n")

    assert admin.ip_addresses(run=fake_run) == ["192.168.1.23", "fe80::1"]


def test_cpu_temperature_reads_millidegrees(tmp_path):
    zone = tmp_path / "temp"
    zone.write_text("48312\n")
    assert admin.cpu_temperature(zone) == pytest.approx(48.312)
    assert admin.cpu_temperature(tmp_path / "missing") is None


def facts(**kw) -> admin.KioskFacts:
    base = dict(kiosk_id="quay-1", version="1.0", addresses=["192.168.1.20"], api_port=8765,
                roster_version=3, stored=10, acked=10, last_server_contact="", wall_clock="2025-06-02T09:00",
                clock_synced=False, free_disk_mb=900, cpu_temp_c=51.25,
                officers_on_duty=("Nguyễn Thị Lan",), duty_chosen_here=True)
    return admin.KioskFacts(**{**base, **kw})


def test_fact_lines_are_vietnamese_first_and_english_on_the_switch():
    vi = "\n".join(admin.fact_lines(facts(), "vi"))
    for expected in ("Máy: quay-1", "192.168.1.20", "cổng API: 8765", "bản 3",
                     "Cán bộ trực: Nguyễn Thị Lan (chọn tại máy)", "10 / 10", "có thể cài lại",
                     "chưa bao giờ", "chưa đồng bộ", "900 MB", "51,2 °C"):
        assert expected in vi, expected
    en = "\n".join(admin.fact_lines(facts(roster_version=0, cpu_temp_c=None, officers_on_duty=(),
                                          duty_chosen_here=False, acked=9), "en"))
    assert "No roster from the server yet" in en and "Officer on duty: none" in en
    assert "Stored / acked by the server: 10 / 9" in en and "re-image" not in en and "CPU" not in en


def test_times_and_sizes_read_as_a_technician_reads_them():
    """K13 of the field test: the admin page showed "2026-12-03T06:59:53.254+00:00" and "79816 MB".
    Times now read as a clock does, with the zone they are in (a kiosk left in UTC shows it);
    numbers group their thousands and use the language's decimal mark."""
    f = facts(wall_clock="2026-12-03T06:59:53.254+00:00", last_server_contact="2026-12-03T13:59:50.100+07:00",
              free_disk_mb=79816, cpu_temp_c=51.25)
    vi, en = "\n".join(admin.fact_lines(f, "vi")), "\n".join(admin.fact_lines(f, "en"))
    assert "Máy chủ liên lạc lần cuối: 13:59:50 03/12/2026 (UTC+07:00)" in vi
    assert "Đồng hồ: 06:59:53 03/12/2026 (UTC+00:00)" in vi
    assert "Ổ đĩa còn trống: 79.816 MB" in vi and "51,2 °C" in vi
    assert "Free disk: 79,816 MB" in en and "51.2 °C" in en and "13:59:50 03/12/2026 (UTC+07:00)" in en
    assert "T06:59" not in vi + en and ".254" not in vi + en
    assert "Đồng hồ: lạ" in "\n".join(admin.fact_lines(facts(wall_clock="lạ"), "vi"))  # shown as it came


def test_wrapped_pairing_code_still_decodes():
    from kiosk.shared import pairing

    code = pairing.encode(pairing.Pairing("quay-1", "http://kiosk-quay-1.local:8765", "t" * 32))
    wrapped = admin.wrap_code(code, per_line=24)
    assert max(len(line) for line in wrapped.splitlines()) <= 24 + 5  # 6 groups + 5 spaces
    assert len(wrapped.splitlines()) > 2
    assert pairing.decode(wrapped) == pairing.decode(code)
