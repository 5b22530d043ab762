"""`hailong-server rebuild-rollups`, `scan-alerts`, `purge-*`, `backup`, `restore`, `backups`: keeping
a server's data (serve runs the alert scan and the purges too)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sync_server import config
from sync_server.accounts import audit
from sync_server.cli.common import load
from sync_server.db import connection, init_db, write_transaction
from sync_server.ops import backup


def cmd_rebuild_rollups(args: argparse.Namespace) -> int:
    from sync_server.reports import rollup

    cfg = load(args)
    init_db(cfg)
    with connection(), write_transaction():
        rows = rollup.rebuild()
        audit.record(audit.CLI, "rollup.rebuild", "", {"rows": rows})
    print(f"rollups rebuilt from the stored responses: {rows} rows")
    return 0


def scan_alerts(cfg: config.ServerConfig, days: float) -> int:
    from datetime import timedelta

    from sync_server.db.models import utcnow
    from sync_server.reports import service_alerts, yes_no

    now = utcnow()
    with connection(), write_transaction():
        start = now - timedelta(days=days)
        return (service_alerts.scan_since(start, cfg.service_alert_rule, now)
                + yes_no.scan_since(start, cfg.service_alert_rule.on_yes, now))


def cmd_scan_alerts(args: argparse.Namespace) -> int:
    cfg = load(args)
    init_db(cfg)
    print(f"service alerts: {scan_alerts(cfg, args.days)} new, from the responses received in the "
          f"last {args.days:g} day(s)")
    return 0


def retention(cfg: config.ServerConfig) -> dict[str, tuple[str, Callable[[datetime], int]]]:
    """What serve purges hourly and purge-contacts / purge-dossiers once: the line, the job."""
    from sync_server.qr import contacts
    from sync_server.reports import dossier_links

    return {"contacts": (f"contacts: %d purged (left more than {cfg.qr.contact_days} day(s) ago)",
                         lambda now: contacts.purge(now, cfg.qr.contact_days)),
            "dossiers": (f"dossier codes: %d purged (stored more than {cfg.dossier_days} day(s) ago)",
                         lambda now: dossier_links.purge(now, cfg.dossier_days))}


def cmd_purge(args: argparse.Namespace) -> int:
    from sync_server.db.models import utcnow

    cfg = load(args)
    init_db(cfg)
    line, job = retention(cfg)[args.what]
    print(line % job(utcnow()))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    result = backup.backup(load(args), keep_days=args.keep_days,
                           directory=Path(args.dir) if args.dir else None)
    print(result.line(), flush=True)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    cfg = load(args)
    started = time.monotonic()
    safety = backup.restore(cfg, Path(args.file), force=args.force)
    target = "the PostgreSQL database" if backup.is_postgres(cfg) else backup.sqlite_path(cfg)
    if safety:
        print(f"restore: the database as it was is kept in {safety}")
    print(f"restore: {args.file} -> {target} ({time.monotonic() - started:.1f} s); start the server again "
          "(systemctl start hailong-server hailong-server-backup.timer)", flush=True)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    cfg = load(args)
    directory = Path(args.dir) if args.dir else backup.backup_dir(cfg)
    backups = backup.list_backups(directory)
    if not backups:
        print(f"no backups in {directory}")
    for path in backups:
        print(f"{path}  {backup.size_text(path.stat().st_size)}")
    return 0
