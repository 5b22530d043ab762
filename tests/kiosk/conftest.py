"""The kiosk GUI tests use the `xvfb` fixture of tests/conftest.py."""
