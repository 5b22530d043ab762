"""Shared by the deploy tests: the repository's paths, unit-file parsing, required tools."""

from __future__ import annotations

import os
import shutil
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
