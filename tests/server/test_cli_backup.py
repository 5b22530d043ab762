"""`hailong-server backup` / `backups` / `restore` are wired into the server's CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync_server", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_backup_list_and_restore_through_the_cli(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text(f'[server]\ndata_dir = "{tmp_path / "data"}"\nport = 5999\n', encoding="utf-8")
    assert server("seed-demo", "--config", str(config)).returncode == 0
    made = server("backup", "--config", str(config))
    assert made.returncode == 0 and "integrity ok" in made.stdout, made.stderr
    listed = server("backups", "--config", str(config))
    [backup] = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    assert Path(backup).exists()
    restored = server("restore", "--config", str(config), backup)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    missing = server("restore", "--config", str(config), str(tmp_path / "nope.db"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
