"""The invite to rate the dossier on the national public service portal too (NĐ 118/2025 Điều
31.1.c; kiosk.shared.portal): off by default; [portal] invite = true puts the line in every
kiosk's roster (kiosk.portal_invite) and on the QR page's thanks page, in the reader's language;
a bad [portal] table names the key. The kiosk's thanks screen: tests/kiosk/test_gui_yes_no.py and
test_gui_privacy.py (800×480)."""

from __future__ import annotations

import html as html_lib

import pytest

from kiosk.shared import portal
from kiosk.shared.configfile import ConfigError
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.ops import demo_data
from sync_server.roster import build as roster
from tests.support.server import TOKEN

KIOSK = [("quay-1", "http://127.0.0.1:9", TOKEN)]


def thanks(cfg, lang: str) -> str:
    r = create_app(cfg).test_client().get(f"/r/quay-1/cam-on?lang={lang}")
    assert r.status_code == 200
    return html_lib.unescape(r.get_data(as_text=True))


def test_off_by_default(make_config):
    cfg = make_config(KIOSK)
    demo_data.seed(cfg)
    roster.touch(cfg)
    assert "portal_invite" not in roster.build_roster("quay-1", cfg)["kiosk"]
    assert 'id="qr-portal"' not in thanks(cfg, "vi") and "dichvucong" not in thanks(cfg, "vi")


def test_turned_on_it_reaches_the_kiosks_roster_and_the_qr_thanks_page(make_config):
    cfg = make_config(KIOSK, extra='[portal]\ninvite = true\ntext_en = "Rate it on  the portal too"\n')
    demo_data.seed(cfg)
    roster.touch(cfg)
    assert roster.build_roster("quay-1", cfg)["kiosk"]["portal_invite"] == {
        "vi": portal.DEFAULT["vi"], "en": "Rate it on the portal too"}
    assert f'<p class="qr-portal" id="qr-portal">{portal.DEFAULT["vi"]}</p>' in thanks(cfg, "vi")
    assert '<p class="qr-portal" id="qr-portal">Rate it on the portal too</p>' in thanks(cfg, "en")


@pytest.mark.parametrize("table, key", [
    ('invite = "yes"', "portal.invite"),
    ('text = "' + "x" * 201 + '"', "portal.text"),
    ("link = true", "portal.link"),
])
def test_a_bad_portal_table_names_the_key(tmp_path, table, key):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n[portal]\n{table}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        server_config.load(path)
