"""kiosk.sdnotify against a real AF_UNIX datagram socket (the way systemd listens)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kiosk import sdnotify

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> str:
    """Run code in a child Python (same environment as now) and return its stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


@pytest.fixture
def listener(tmp_path, monkeypatch):
    """A datagram socket in the file system, named in $NOTIFY_SOCKET as systemd does."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


@pytest.fixture
def abstract_listener(monkeypatch):
    """The same in Linux's abstract namespace: '@name' in the variable, NUL + name on the wire."""
    name = f"hailong-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    yield sock
    sock.close()


def received(sock: socket.socket) -> str:
    return sock.recv(4096).decode("utf-8")


def test_each_message_arrives_as_one_datagram(listener):
    assert sdnotify.ready()
    assert received(listener) == "READY=1"
    assert sdnotify.watchdog()
    assert received(listener) == "WATCHDOG=1"
    assert sdnotify.status("12 responses, acked 10")
    assert received(listener) == "STATUS=12 responses, acked 10"
    assert sdnotify.stopping()
    assert received(listener) == "STOPPING=1"
    assert sdnotify.extend_timeout(2.5)
    assert received(listener) == "EXTEND_TIMEOUT_USEC=2500000"


def test_ready_and_stopping_can_carry_a_status(listener):
    sdnotify.ready("kiosk quay-1: 3 responses")
    assert received(listener) == "READY=1\nSTATUS=kiosk quay-1: 3 responses"
    sdnotify.stopping("SIGTERM")
    assert received(listener) == "STOPPING=1\nSTATUS=SIGTERM"


def test_a_newline_in_a_status_cannot_inject_another_assignment(listener):
    sdnotify.status("Đã nhận\nREADY=1\r\nWATCHDOG=1")
    message = received(listener)
    assert message == "STATUS=Đã nhận READY=1 WATCHDOG=1"
    assert "\n" not in message


def test_abstract_namespace_socket(abstract_listener):
    assert sdnotify.ready()
    assert received(abstract_listener) == "READY=1"
    assert sdnotify.watchdog()
    assert received(abstract_listener) == "WATCHDOG=1"


def test_the_datagram_comes_from_this_process(listener):
    # systemd's default NotifyAccess=main drops messages from any other PID.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sdnotify.watchdog()
    _data, ancdata, _flags, _addr = listener.recvmsg(4096, socket.CMSG_SPACE(12))
    creds = [d for level, kind, d in ancdata if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS]
    assert creds, "no SCM_CREDENTIALS received"
    pid = int.from_bytes(creds[0][:4], sys.byteorder)
    assert pid == os.getpid()


@pytest.mark.parametrize("value", [None, "", "relative/path", "vsock:2:1234"])
def test_no_socket_is_a_quiet_no_op(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    else:
        monkeypatch.setenv("NOTIFY_SOCKET", value)
    assert sdnotify.ready() is False
    assert sdnotify.watchdog() is False
    assert sdnotify.stopping() is False
    assert sdnotify.status("x") is False


def test_a_socket_that_is_gone_does_not_raise(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    monkeypatch.setattr(sdnotify, "_warned", False)
    assert sdnotify.watchdog() is False
    assert sdnotify.watchdog() is False
    warnings = [r for r in caplog.records if "sd_notify" in r.getMessage()]
    assert len(warnings) == 1, "the failure is logged once, not at every ping"


def test_watchdog_interval_is_half_the_timeout_for_this_pid():
    env = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}
    assert sdnotify.watchdog_timeout_s(env) == 30.0
    assert sdnotify.watchdog_interval_s(env) == 15.0
    assert sdnotify.watchdog_interval_s({"WATCHDOG_USEC": "20000000"}) == 10.0  # no PID: ours


@pytest.mark.parametrize("env", [
    {},
    {"WATCHDOG_USEC": ""},
    {"WATCHDOG_USEC": "0"},
    {"WATCHDOG_USEC": "-5"},
    {"WATCHDOG_USEC": "soon"},
    {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"},  # meant for another process
    {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "x"},
])
def test_no_watchdog(env):
    assert sdnotify.watchdog_timeout_s(env) is None
    assert sdnotify.watchdog_interval_s(env) is None


def test_a_child_that_inherits_the_environment_gets_no_watchdog(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert sdnotify.watchdog_interval_s() == 15.0
    code = "from kiosk import sdnotify; print(sdnotify.watchdog_interval_s())"
    assert run_python(code) == "None"
    monkeypatch.delenv("WATCHDOG_PID")  # the control: without the PID the child would ping
    assert run_python(code) == "15.0"


def test_importing_it_imports_no_kivy():
    code = "import sys, kiosk.sdnotify; print(any(m.startswith('kivy') for m in sys.modules))"
    assert run_python(code) == "False"
