"""`hailong-kiosk`: run the kiosk, check its store, show its status.

Config problems print one line (file, key, problem) and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from kiosk import __version__, config
from kiosk.configfile import ConfigError

EXIT_CONFIG = 2


def _load(path: str) -> config.KioskConfig:
    return config.load(Path(path))


def cmd_run(args: argparse.Namespace) -> int:
    cfg = _load(args.config)
    # Imported here so that `verify` and `status` never load Kivy.
    from kiosk.ui.app import run_app

    return run_app(cfg)


def cmd_verify(args: argparse.Namespace) -> int:
    from kiosk.store import Store

    cfg = _load(args.config)
    if not cfg.db_path.exists():
        print(f"no store at {cfg.db_path}: nothing to verify")
        return 0
    store = Store(cfg.db_path, cfg.kiosk_id)
    result = store.verify()
    if result.ok:
        print(f"OK: {result.count} responses, seq 1..{result.count}, chain and hashes verified "
              f"(store {store.store_id})")
        return 0
    print(f"BROKEN at seq {result.first_bad_seq}: {result.problem} "
          f"({result.count} responses before it verified)")
    return 1


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.store import Store

    cfg = _load(args.config)
    store = Store(cfg.db_path, cfg.kiosk_id)
    last_seq, head_hash = store.head()
    roster = store.roster()
    status = {
        "kiosk_id": cfg.kiosk_id,
        "store_id": store.store_id,
        "version": __version__,
        "last_seq": last_seq,
        "acked_seq": store.acked_seq(),
        "unacked": last_seq - store.acked_seq(),
        "head_hash": head_hash,
        "roster_version": roster["version"] if roster else 0,
        "api": f"http://{cfg.api_host}:{cfg.api_port}",
    }
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        for key, value in status.items():
            print(f"{key:15} {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hailong-kiosk", description="hailong rating kiosk")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", default=str(config.DEFAULT_PATH),
                       help=f"config file (default {config.DEFAULT_PATH})")
        p.set_defaults(func=func)
        return p

    add("run", cmd_run, "run the full-screen kiosk app and its LAN API")
    add("verify", cmd_verify, "re-check the store's seq and hash chain")
    add("status", cmd_status, "show store and sync state").add_argument(
        "--json", action="store_true", help="print JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("peewee").setLevel(logging.INFO)  # not every query in the journal
    try:
        return args.func(args)
    except ConfigError as e:
        print(f"hailong-kiosk: config error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
