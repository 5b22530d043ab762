"""How `make test` spreads the suite over pytest-xdist workers (--dist loadgroup): a module's
tests stay on one worker, so a module fixture (an X server, a kiosk, a server process) starts
once, not once per worker. The installer tests in Debian roots are one group: they share the
root's cached tarball and apt's and pip's download caches, which two roots must not fill at the
same time."""

from __future__ import annotations

from pathlib import Path

DEBIAN_ROOT_MODULES = frozenset({"test_kiosk_install.py", "test_kiosk_install_arm64.py",
                                 "test_kiosk_bundle.py", "test_server_install.py"})


def xdist_group(path: Path, root: Path) -> str:
    if path.parent.name == "deploy" and path.name in DEBIAN_ROOT_MODULES:
        return "debian-root"
    return path.relative_to(root).as_posix()
