"""Markers of the deploy tests (registered here: pyproject.toml belongs to the lead)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "deploy: installs into a Debian root (debootstrap, chroot)")
    config.addinivalue_line("markers", "slow: takes minutes")
