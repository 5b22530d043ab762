"""Every deploy script (deploy/, tests/deploy/) is shellcheck-clean and says which shell it is for.

Scripts elsewhere belong to other parts of the project; `shellcheck -x $(git ls-files '*.sh')`
checks them all. deploy/lib.sh is checked on its own (shellcheck reports only on the files it is
given) and is followed (-x) from the scripts that source it, so that its variables and functions
count as defined there; run from the repository root, as that command is.
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
    assert {"deploy/lib.sh", "deploy/kiosk/install.sh", "deploy/kiosk/bundle.sh", "deploy/server/install.sh",
            "tests/deploy/bookworm_root.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shellcheck_clean(script):
    require_tool("shellcheck", "shellcheck")
    first = script.read_text().splitlines()[0]
    assert first.startswith("#!"), f"{script}: no shebang"
    result = subprocess.run(["shellcheck", "--severity=style", "--external-sources",
                             script.relative_to(ROOT).as_posix()], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_shellcheck_catches_a_problem(tmp_path):
    """Control: the same call fails on a classic mistake (unquoted variable)."""
    require_tool("shellcheck", "shellcheck")
    bad = tmp_path / "bad.sh"
    bad.write_text('#!/bin/sh\nrm -rf $1/tmp\n')
    result = subprocess.run(["shellcheck", "--severity=style", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "SC2086" in result.stdout


@pytest.mark.parametrize("script", ["deploy/kiosk/install.sh", "deploy/server/install.sh",
                                    "deploy/kiosk/bundle.sh"])
def test_the_sourced_lib_is_followed(script):
    """Control for test_shellcheck_clean: without -x the source line is not followed (SC1091), so
    the clean run with -x from the root (where a path it cannot find is SC1091 too) read lib.sh."""
    require_tool("shellcheck", "shellcheck")
    without = subprocess.run(["shellcheck", "--severity=style", script], capture_output=True, text=True,
                             cwd=ROOT)
    assert without.returncode != 0 and "SC1091" in without.stdout and "lib.sh" in without.stdout
