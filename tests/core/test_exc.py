"""One base for the kiosk's errors (kiosk.shared.exc), and the CLI maps it to the exit status."""

import inspect
import subprocess
import sys

from kiosk.shared import exc


def test_every_error_derives_from_the_base_and_data_errors_stay_value_errors():
    errors = [c for _, c in inspect.getmembers(exc, inspect.isclass)
              if issubclass(c, Exception) and c.__module__ == exc.__name__]
    assert len(errors) >= 10 and all(issubclass(c, exc.HailongError) for c in errors)
    for data_error in (exc.ProtocolError, exc.TicketError, exc.PairingError, exc.PhotoRefused,
                       exc.EventError):
        assert issubclass(data_error, ValueError)
    assert exc.ConfigError("k.toml", "api.port", "bad").exit_status == 2
    assert exc.StoreBusy("busy").exit_status == exc.Refused("no").exit_status == 1


def test_cli_prints_one_line_and_the_errors_exit_status(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "verify", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"hailong-kiosk: config error: {config}: not valid TOML")
    assert "Traceback" not in result.stderr
    empty = tmp_path / "empty.toml"
    empty.write_text(f'[kiosk]\nid = "q"\ndata_dir = "{tmp_path}"\n[api]\ntoken = "{"t" * 20}"\n',
                     encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "export", "--config", str(empty),
                             "--to", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.startswith("hailong-kiosk export: no store at")
