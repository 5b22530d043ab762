"""Reading a machine's TOML config with errors a technician can act on.

Every problem becomes one ConfigError line naming the file, the key and what is wrong
(DESIGN.md §3b). Shared by the kiosk and the server; pure standard library.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from kiosk.shared.exc import ConfigError


def load_toml(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found (pass --config PATH)") from None
    except PermissionError:
        raise ConfigError(path, "", "cannot read the file (permission denied)") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "", f"not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "not valid UTF-8 text") from None


class Section:
    """Typed access to one table of the config; every getter names `table.key` on error."""

    def __init__(self, path: Path | str, name: str, data: Any, required: bool = True) -> None:
        self.path, self.name = path, name
        if data is None:
            if required:
                raise ConfigError(path, f"[{name}]", "missing table")
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(path, f"[{name}]", "must be a table")
        self.data: dict[str, Any] = data

    def _key(self, key: str) -> str:
        return f"{self.name}.{key}"

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self._key(key), problem)

    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is ...:
            raise self.fail(key, "missing (required)")
        return default

    def string(self, key: str, default: Any = ..., *, nonempty: bool = True) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, got {value!r}")
        if nonempty and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def integer(self, key: str, default: Any = ..., *, lo: int | None = None,
                hi: int | None = None) -> int:
        value = self._get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, f"must be an integer, got {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.fail(key, f"must be between {lo} and {hi}, got {value}")
        return value

    def number(self, key: str, default: Any = ..., *, lo: float | None = None,
               hi: float | None = None) -> float:
        value = self._get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(key, f"must be a number, got {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.fail(key, f"must be between {lo} and {hi}, got {value}")
        return float(value)

    def boolean(self, key: str, default: Any = ...) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {value!r}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self._get(key, default)
        if value not in options:
            raise self.fail(key, f"must be one of {', '.join(options)}, got {value!r}")
        return value
