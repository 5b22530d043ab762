"""Markers of the deploy tests (registered here: pyproject.toml belongs to the lead), and the
fixture the installer tests share (support.py)."""

from tests.deploy.support import first_run  # noqa: F401 (a fixture: pytest finds it here)


def pytest_configure(config):
    config.addinivalue_line("markers", "deploy: installs into a Debian root (debootstrap, chroot)")
    config.addinivalue_line("markers", "slow: takes minutes")
