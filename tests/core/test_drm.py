"""Choosing the DRM card with a connected screen (Pi 5 with a DSI panel), on a fake sysfs."""

from __future__ import annotations

from kiosk.ui.drm import choose_drm_card, connected_card


def fake_drm(tmp_path, connectors: dict[str, str]):
    root = tmp_path / "drm"
    root.mkdir()
    (root / "card0").mkdir()
    (root / "renderD128").mkdir()
    for name, status in connectors.items():
        (root / name).mkdir()
        (root / name / "status").write_text(status + "\n")
    return root


def test_the_connected_dsi_panel_wins(tmp_path):
    root = fake_drm(tmp_path, {"card0-HDMI-A-1": "disconnected", "card1-DSI-1": "connected",
                               "card0-HDMI-A-2": "connected"})
    assert connected_card(root) == 1


def test_hdmi_when_nothing_else_is_connected(tmp_path):
    root = fake_drm(tmp_path, {"card1-HDMI-A-1": "connected", "card0-Writeback-1": "unknown"})
    assert connected_card(root) == 1


def test_nothing_connected_or_no_drm(tmp_path):
    assert connected_card(fake_drm(tmp_path, {"card0-HDMI-A-1": "disconnected"})) is None
    assert connected_card(tmp_path / "absent") is None


def test_env_is_set_only_on_the_console_and_never_overridden(tmp_path):
    root = fake_drm(tmp_path, {"card2-DSI-1": "connected"})
    env: dict[str, str] = {}
    assert choose_drm_card(env, root) == 2 and env["SDL_KMSDRM_DEVICE_INDEX"] == "2"
    assert choose_drm_card({"DISPLAY": ":0"}, root) is None
    technician = {"SDL_KMSDRM_DEVICE_INDEX": "0"}
    assert choose_drm_card(technician, root) is None and technician["SDL_KMSDRM_DEVICE_INDEX"] == "0"
