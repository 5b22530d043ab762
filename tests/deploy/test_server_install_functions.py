"""deploy/server/install.sh's decisions and its config template (fast: no root, no chroot)."""

from __future__ import annotations

from tests.deploy.support import DEPLOY_DIR, ROOT, sourced

INSTALL = DEPLOY_DIR / "server/install.sh"


def test_server_template_loads(tmp_path, monkeypatch):
    """The template as the installer fills it in is a valid server config."""
    from sync_server import config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    text = (ROOT / "deploy/server/server.toml.in").read_text()
    path = tmp_path / "server.toml"
    path.write_text(text.replace("@DATA_DIR@", str(tmp_path / "data")).replace("@PORT@", "5000"))
    cfg = config.load(path)
    assert cfg.port == 5000 and cfg.kiosks == () and cfg.database_url == ""


def test_server_lan_is_normalised():
    script = 'NTP=yes; LAN=192.168.1.77/24; resolve_lan; echo "$LAN"'
    out = sourced(INSTALL, script)
    assert out.stdout.strip() == "192.168.1.0/24"
    bad = sourced(INSTALL, script.replace("192.168.1.77/24", "192.168.1/99"))
    assert bad.returncode == 1 and "CIDR" in bad.stderr


def test_server_sees_postgres_in_config_or_env(tmp_path):
    cfg, env = tmp_path / "server.toml", tmp_path / "server.env"

    def uses() -> bool:
        return sourced(INSTALL, f'uses_postgres_in "{cfg}" "{env}"').returncode == 0

    cfg.write_text('[server]\ndatabase_url = ""\n')
    env.write_text("#DATABASE_URL=postgresql://x\n")
    assert not uses()
    env.write_text("DATABASE_URL=postgresql://hailong:pw@db/hailong\n")
    assert uses()
    env.write_text("")
    cfg.write_text('[server]\ndatabase_url = "postgres://u:p@h/db"\n')
    assert uses()
