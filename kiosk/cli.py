"""`hailong-kiosk`: run the kiosk, check its store, show its status and events, export it
and import it back (re-imaging, docs/reimaging.md).

Every error the kiosk names (kiosk.shared.exc) prints one line and exits with its status: 2 for
a config problem (file, key, problem), 1 for a refused command, export or import; never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__, config
from kiosk.shared import pairing
from kiosk.shared.exc import EXIT_REFUSED, ConfigError, HailongError, Refused

if TYPE_CHECKING:
    from kiosk.store import Store


def _load(path: str) -> config.KioskConfig:
    return config.load(Path(path))


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.datalock import exclusive

    cfg = _load(args.config)
    # Held while the kiosk runs: `import` refuses to change the store under a running kiosk,
    # and a second kiosk on the same data refuses to start (before any window opens).
    with exclusive(cfg.data_dir):
        # Imported here so that `verify` and `status` never load Kivy.
        from kiosk.ui.launch import run_app

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
        "pairing_code": pairing.encode(pairing.Pairing(
            cfg.kiosk_id, pairing.local_url(cfg.api_port, cfg.api_host), cfg.api_token)),
    }
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        for key, value in status.items():
            print(f"{key:15} {value}")
    return 0


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _existing_store(cfg: config.KioskConfig) -> Store | None:
    """The store, or None when there is none: looking never creates one."""
    from kiosk.store import Store

    if not cfg.db_path.exists():
        return None
    return Store(cfg.db_path, cfg.kiosk_id)


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.datalock import is_busy
    from kiosk.export import export_store

    cfg = _load(args.config)
    store = _existing_store(cfg)
    if store is None:
        raise Refused(f"no store at {cfg.db_path}: nothing to export (check [kiosk] data_dir)")
    if is_busy(cfg.data_dir):
        _progress("export: the kiosk is running: ratings given after this export are not in the "
                  "file. Before re-imaging, stop it (sudo systemctl stop hailong-kiosk) and export again")
    try:
        result = export_store(store, Path(args.to), allow_broken=args.allow_broken,
                              progress=_progress)
    finally:
        store.close()
    print(result.line())
    return EXIT_REFUSED if not result.manifest["chain_ok"] else 0


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.datalock import exclusive
    from kiosk.restore import import_file

    cfg = _load(args.config)
    with exclusive(cfg.data_dir):
        result = import_file(Path(args.file), cfg.db_path, cfg.kiosk_id,
                             force_kiosk_id=args.force_kiosk_id, progress=_progress)
    for note in result.notes:
        _progress(f"import: {note}")
    print(result.line())
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    from kiosk.events import format_event

    cfg = _load(args.config)
    store = _existing_store(cfg)
    if store is None:
        print(f"no store at {cfg.db_path}: no events")
        return 0
    try:
        events = store.last_events(args.last) if args.last else store.events_after(0, 10**9)
    finally:
        store.close()
    for e in events:
        print(json.dumps(e, ensure_ascii=False) if args.json else format_event(e))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


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
    p = add("export", cmd_export, "write every response and event to one file (before re-imaging)")
    p.add_argument("--to", required=True, metavar="PATH",
                   help="file to write, or a directory (e.g. the USB stick) to write it in")
    p.add_argument("--allow-broken", action="store_true",
                   help="export even if the chain is broken (flagged; for investigation, not import)")
    p = add("import", cmd_import, "restore an export onto a fresh (re-imaged) kiosk")
    p.add_argument("file", metavar="FILE", help="the file written by `hailong-kiosk export`")
    p.add_argument("--force-kiosk-id", action="store_true",
                   help="import although the file comes from a kiosk with another [kiosk] id")
    p = add("events", cmd_events, "show the kiosk's event log")
    p.add_argument("--last", type=_positive, metavar="N", help="only the newest N events")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("peewee").setLevel(logging.INFO)  # not every query in the journal
    import peewee

    try:
        return args.func(args)
    except HailongError as e:  # every refusal the kiosk names: one line and its exit status
        what = ": config error" if isinstance(e, ConfigError) else f" {args.command}"
        print(f"hailong-kiosk{what}: {e}", file=sys.stderr)
        return e.exit_status
    except peewee.DatabaseError as e:  # e.g. "database disk image is malformed" on a dying card
        if args.command == "run":
            raise  # the running app's own failures keep their traceback for the journal
        print(f"hailong-kiosk {args.command}: the store cannot be read: {e}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as e:  # a full or pulled-out USB stick, a read-only card
        if args.command == "run":
            raise
        where = f" {e.filename}" if e.filename else ""
        print(f"hailong-kiosk {args.command}: cannot read or write{where}: {e.strerror or e}",
              file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
