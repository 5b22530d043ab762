"""`hailong-server --help` and every subcommand's help are what they were before cli.py and
config.py were split by job (tests/server/data/cli-help.txt, written from the code before the
split): the same commands, options, defaults and words. The top help comes from the installed
console script; regenerate the file only for a deliberate change (HAILONG_WRITE_CLI_HELP=1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync_server import cli

GOLDEN = Path(__file__).with_name("data") / "cli-help.txt"
COLUMNS = "100"  # argparse wraps to the terminal's width


def current_help(monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", COLUMNS)
    top = subprocess.run([str(Path(sys.executable).parent / "hailong-server"), "--help"], capture_output=True,
                         text=True, env={**os.environ, "COLUMNS": COLUMNS}, timeout=60, check=True).stdout
    parser = cli.build_parser()
    assert parser.format_help() == top  # the console script runs this very parser
    subparsers = next(a for a in parser._actions if isinstance(a.choices, dict))
    return "\n".join([top] + [f"=== {name}\n{sub.format_help()}" for name, sub in subparsers.choices.items()])


def test_the_help_of_every_command_is_unchanged(monkeypatch):
    text = current_help(monkeypatch)
    if os.environ.get("HAILONG_WRITE_CLI_HELP"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert text.count("\n=== ") == 14


def test_every_command_runs_its_own_function():
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a.choices, dict))
    funcs = {name: sub.get_default("func") for name, sub in subparsers.choices.items()}
    assert all(callable(f) for f in funcs.values())
    assert funcs["serve"].__name__ == "cmd_serve" and funcs["backups"].__name__ == "cmd_backups"
    assert funcs["purge-contacts"] is funcs["purge-dossiers"]
    assert len(set(funcs.values())) == 13
