"""What every `hailong-server` command shares: its config, a failure as one line, the stop signal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sync_server import config

EXIT_CONFIG = 2


def load(args: argparse.Namespace) -> config.ServerConfig:
    return config.load(Path(args.config))


def fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
