"""What the systemd units and the Windows installer run exists: a command the code no longer has
fails here, not at 02:30 on the office PC (the backup unit once named a module that had moved)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
VENV_BIN = "/opt/hailong/venv/bin/"


def _unit_commands() -> list[tuple[str, list[str]]]:
    found = []
    for unit in sorted((ROOT / "systemd").glob("*.service")):
        for line in unit.read_text(encoding="utf-8").splitlines():
            if re.match(r"ExecStart(Pre|Post)?=", line):
                found.append((unit.name, shlex.split(line.split("=", 1)[1].lstrip("-+!@"))))
    return found


def _installer_commands() -> list[tuple[str, list[str]]]:
    # install.ps1 schedules `python -m sync_server <command> ...` as a task argument.
    text = (ROOT / "deploy" / "server" / "install.ps1").read_text(encoding="utf-8")
    return [("install.ps1", ["python", *shlex.split(m.replace("`\"", "\""))])
            for m in re.findall(r'-Argument "(-m [^"`]*(?:`"[^`]*`"[^"`]*)*)"', text)]


def _runner(program: str) -> list[str]:
    """How to start `program` (the venv's python or one of its console scripts) from here."""
    program = program.removeprefix(VENV_BIN)
    if program in SCRIPTS:
        module, _, func = SCRIPTS[program].partition(":")
        call = f"import sys; from {module} import {func}; sys.argv[0] = {program!r}; sys.exit({func}())"
        return [sys.executable, "-c", call]
    assert program == "python", f"{program}: neither python nor a console script of pyproject.toml"
    return [sys.executable]


COMMANDS = _unit_commands() + _installer_commands()


def test_the_units_and_the_installer_name_commands():
    names = {name for name, _ in COMMANDS}
    assert {"hailong-kiosk.service", "hailong-server.service", "hailong-server-backup.service",
            "install.ps1"} <= names


@pytest.mark.parametrize(("where", "argv"), COMMANDS, ids=[f"{w}:{' '.join(a[:3])}" for w, a in COMMANDS])
def test_the_command_exists_and_accepts_its_options(where, argv):
    # --help after the sub-command: argparse checks the sub-command and exits 0 without running it;
    # the options are then checked against that sub-command's own --help text.
    args = argv[1:]
    head = args[:3] if args[:1] == ["-m"] else args[:1]  # `-m module command` or `command`
    result = subprocess.run([*_runner(argv[0]), *head, "--help"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{where}: {' '.join(argv)}\n{result.stdout}{result.stderr}"
    for option in (a for a in argv if a.startswith("--")):
        assert option in result.stdout, f"{where}: {option} is not an option of {' '.join(head)}"
