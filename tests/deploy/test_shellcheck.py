"""Every deploy script (deploy/, tests/deploy/) is shellcheck-clean and says which shell it is for.

Scripts elsewhere belong to other parts of the project; `shellcheck $(git ls-files '*.sh')`
checks them all.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy.support import ROOT, require_tool

SKIP_DIRS = {".git", ".venv", "var", "build", "test-output", "node_modules"}
SCRIPTS = sorted(p for top in ("deploy", "tests/deploy") for p in (ROOT / top).rglob("*.sh")
                 if not SKIP_DIRS & set(p.relative_to(ROOT).parts))


def test_the_scripts_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in SCRIPTS}
    assert {"deploy/kiosk/install.sh", "deploy/kiosk/bundle.sh", "deploy/server/install.sh",
            "tests/deploy/bookworm_root.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shellcheck_clean(script):
    require_tool("shellcheck", "shellcheck")
    first = script.read_text().splitlines()[0]
    assert first.startswith("#!"), f"{script}: no shebang"
    result = subprocess.run(["shellcheck", "--severity=style", "--external-sources", str(script)],
                            capture_output=True, text=True, cwd=script.parent)
    assert result.returncode == 0, result.stdout


def test_shellcheck_catches_a_problem(tmp_path):
    """Control: the same call fails on a classic mistake (unquoted variable)."""
    require_tool("shellcheck", "shellcheck")
    bad = tmp_path / "bad.sh"
    bad.write_text('#!/bin/sh\nrm -rf $1/tmp\n')
    result = subprocess.run(["shellcheck", "--severity=style", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "SC2086" in result.stdout
