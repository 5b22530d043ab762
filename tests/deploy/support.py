"""Shared by the deploy tests: the repository's paths, unit-file parsing, required tools, the
opt-in for the installer runs in Debian roots, sourcing a script to call its functions, and the
processes those tests start."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD_DIR = ROOT / "systemd"
DEPLOY_DIR = ROOT / "deploy"

# Set in CI (.ci/run) so that a missing tool fails the run instead of skipping the test.
REQUIRE_TOOLS = os.environ.get("HAILONG_REQUIRE_DEPLOY_TOOLS") == "1"


def require_tool(name: str, apt_package: str) -> str:
    """The tool's path; otherwise skip (or fail in CI) naming the Debian package to install."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not found: install Debian's {apt_package!r} package (apt-get install {apt_package})"
    if REQUIRE_TOOLS:
        pytest.fail(message)
    pytest.skip(message)


def require_deploy_opt_in(variable: str = "HAILONG_TEST_DEPLOY", why: str = "") -> None:
    """Skip unless `variable` is 1; then root is a must (debootstrap, mount, chroot), as is debootstrap."""
    if os.environ.get(variable) != "1":
        pytest.skip(f"installer test in a debootstrap root is opt-in: {variable}=1 ({why})")
    if os.geteuid() != 0:
        pytest.fail(f"{variable}=1 needs root (debootstrap, mount, chroot)")
    require_tool("debootstrap", "debootstrap")


def preconditions() -> None:
    """What the amd64 installer tests need: the opt-in, root, chroot and a reachable Debian mirror."""
    require_deploy_opt_in(why="root, ~5 min the first time, needs deb.debian.org and pypi.org")
    require_tool("chroot", "coreutils")
    mirror = os.environ.get("HAILONG_TEST_MIRROR", "http://deb.debian.org/debian")
    try:
        urllib.request.urlopen(f"{mirror}/dists/bookworm/Release", timeout=15).close()
    except OSError as e:
        pytest.fail(f"Debian mirror {mirror} unreachable ({e}): set HAILONG_TEST_MIRROR")


def fresh_root(tmp_path_factory, name: str):
    """For a module's `root` fixture (`yield from`): the preconditions, then a throw-away Debian
    root with this checkout in it, destroyed after the module."""
    from tests.deploy.debian_root import throwaway_root  # debian_root imports this module

    preconditions()
    with throwaway_root(tmp_path_factory.mktemp(name)) as debian:
        yield debian


@pytest.fixture(scope="module")
def first_run(request, root):
    """The module's installer command (its INSTALL_ARGS) run once in its `root` fixture (within its
    INSTALL_TIMEOUT, default 20 min); it must succeed. (its result, the root's snapshot right after).
    Offered to the tests by conftest.py."""
    from tests.deploy.debian_root import install_once

    timeout = getattr(request.module, "INSTALL_TIMEOUT", 1200)
    return install_once(root, request.module.INSTALL_ARGS, timeout=timeout)


def sourced(script: Path, code: str, env: dict[str, str] | None = None,
            path_first: Path | None = None) -> subprocess.CompletedProcess:
    """bash runs `code` after sourcing `script` (an installer: that defines its functions and runs
    nothing), under `set -euo pipefail` as the installers run, without this environment's HAILONG_*
    (test hooks) and with `path_first` (fake commands) ahead on PATH."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    if path_first is not None:
        full_env["PATH"] = f"{path_first}:{full_env['PATH']}"
    full_env.update(env or {})
    return subprocess.run(["bash", "-c", f'set -euo pipefail; source "{script}"; {code}'],
                          capture_output=True, text=True, env=full_env, timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> str:
    """SIGTERM (runuser passes it on) unless it has ended, SIGKILL after 30 s; what it printed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)[0] or ""
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0] or ""


def rerun_changes_nothing(root, args, before: list[str], timeout: float = 600) -> list[str]:
    """The installer again (`args` in the Debian `root`): it must succeed, say so, and leave the
    snapshot taken after its first run (`before`) as it was. Returns the snapshot."""
    result = root.run(*args, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "done: nothing to change" in result.stdout, result.stdout[-3000:]
    after = root.snapshot()
    diff = sorted(set(before) ^ set(after))
    assert not diff, "the second run changed:\n" + "\n".join(diff[:40])
    return after


def booted_check(root, check: str, name: str, timeout: float = 600) -> dict:
    """`root` booted with systemd (DebianRoot.boot) to run `check`, a Python script whose last line
    is a JSON object: that object, also kept as test-output/deploy-NAME-booted.json for review."""
    require_tool("systemd-nspawn", "systemd-container")
    out, console = root.boot(check, timeout=timeout)
    assert out.strip(), "the check did not run:\n" + console[-3000:]
    result = json.loads(out.strip().splitlines()[-1])
    artifacts = ROOT / "test-output"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"deploy-{name}-booted.json").write_text(json.dumps(result, indent=2))
    return result


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values in order]}} (keys may repeat, as After= does)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path}: {raw!r} before any [Section]"
        key, sep, value = line.partition("=")
        assert sep, f"{path}: not Key=Value: {raw!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_value(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str | None:
    """The effective (last) value of a key, or None."""
    values = unit.get(section, {}).get(key)
    return values[-1] if values else None
