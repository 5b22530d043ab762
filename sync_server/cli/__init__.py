"""`hailong-server`: serve the staff pages and pull the kiosks, and the operations around it.

Config problems print one line (file, key, problem) and exit 2, never a traceback. A kiosk that
cannot be reached is reported, never an error exit: cron and systemd timers keep running.

The commands by job: `serve` (serve, pull, push, pair-hub), `admin` (create-admin, seed-demo,
init-db), `upkeep` (rebuild-rollups, scan-alerts, purge-*, backup, restore, backups); `common`
what they share. Here: the parser and the one place errors become exit statuses.
"""

from __future__ import annotations

import argparse
import logging
import sys

from peewee import DatabaseError, ImproperlyConfigured

from kiosk.shared.exc import ConfigError
from sync_server import __version__, config
from sync_server.cli.admin import cmd_create_admin, cmd_init_db, cmd_seed_demo
from sync_server.cli.common import EXIT_CONFIG, fail
from sync_server.cli.serve import cmd_pair_hub, cmd_pull, cmd_push, cmd_serve
from sync_server.cli.upkeep import (
    cmd_backup,
    cmd_backups,
    cmd_purge,
    cmd_rebuild_rollups,
    cmd_restore,
    cmd_scan_alerts,
)
from sync_server.exc import ServerError
from sync_server.ops import backup

log = logging.getLogger("hailong-server")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=str(config.DEFAULT_PATH),
                        help=f"server config file (default {config.DEFAULT_PATH})")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")

    parser = argparse.ArgumentParser(prog="hailong-server", description="hailong sync server")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", parents=[common], help="staff web pages + background puller")
    p.add_argument("--host", help="override [server] host")
    p.add_argument("--port", type=int, help="override [server] port")
    p.add_argument("--no-pull", action="store_true", help="serve only; pull with `pull` instead")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("pull", parents=[common], help="pull the kiosks (loop, or --once)")
    p.add_argument("--once", action="store_true", help="pull every kiosk once and exit")
    p.set_defaults(func=cmd_pull)

    p = sub.add_parser("push", parents=[common],
                       help="push to the province hub ([upstream]) what it does not hold yet")
    p.add_argument("--once", action="store_true", required=True,
                   help="push once and exit: 0 when the hub holds everything (serve pushes on its own)")
    p.add_argument("--page", type=int, default=2000, choices=range(1, 5001), metavar="N",
                   help="responses per batch (default 2000, at most 5000)")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("pair-hub", parents=[common],
                       help="read the province hub's pairing code, check it, print (or --write) [upstream]")
    p.add_argument("code", help="the hl1-... code the hub's page showed when it enrolled this commune")
    p.add_argument("--write", action="store_true", help="add the [upstream] table to the config file")
    p.set_defaults(func=cmd_pair_hub)

    p = sub.add_parser("create-admin", parents=[common], help="create an admin (or reset its password)")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser("seed-demo", parents=[common], help="load the demo roster (idempotent)")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("init-db", parents=[common],
                       help="create the database tables or bring them up to date (also done at start)")
    p.set_defaults(func=cmd_init_db)

    p = sub.add_parser("scan-alerts", parents=[common],
                       help="look again for runs of low scores (service alerts) in recent responses")
    p.add_argument("--days", type=float, default=2, help="how far back, by time received (default 2)")
    p.set_defaults(func=cmd_scan_alerts)

    p = sub.add_parser("purge-contacts", parents=[common],
                       help="delete citizens' names and phones past [qr] contact_days (serve: hourly)")
    p.set_defaults(func=cmd_purge, what="contacts")
    p = sub.add_parser("purge-dossiers", parents=[common],
                       help="delete dossier codes linked to ratings past [dossier] days (serve: hourly)")
    p.set_defaults(func=cmd_purge, what="dossiers")

    p = sub.add_parser("rebuild-rollups", parents=[common],
                       help="recompute the report rollups from the stored responses")
    p.set_defaults(func=cmd_rebuild_rollups)

    # backup, restore, backups: the nightly copy and its restore
    p = sub.add_parser("backup", parents=[common],
                       help="back up the database into <data_dir>/backups/ and prune old backups")
    p.add_argument("--keep-days", type=int, default=backup.DEFAULT_KEEP_DAYS,
                   help="keep the backups of the newest N days having backups "
                        f"(default {backup.DEFAULT_KEEP_DAYS})")
    p.add_argument("--dir", help="write into this folder instead of <data_dir>/backups")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common],
                       help="replace the database with a backup (stop the server first)")
    p.add_argument("file", help="a hailong-*.db (SQLite) or hailong-*.dump (PostgreSQL) backup")
    p.add_argument("--force", action="store_true", help="restore even if something answers on the port")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("backups", parents=[common], help="list the backups")
    p.add_argument("--dir", help="list this folder instead of <data_dir>/backups")
    p.set_defaults(func=cmd_backups)
    return parser


def run_command(func, args: argparse.Namespace) -> int:
    """Run one command; every error it raises on purpose is one line and an exit status (this is
    the one place that maps them: 2 for the config, ServerError.exit_status for the rest)."""
    try:
        return func(args)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return EXIT_CONFIG
    except ServerError as e:
        return fail(e.line(), e.exit_status)
    except DatabaseError as e:
        return fail(f"database error: {' '.join(str(e).split())}")  # one line, as psycopg2 splits it
    except ImproperlyConfigured as e:  # e.g. the PostgreSQL driver is not installed
        return fail(f"database error: {e} (pip install 'hailong[server]')")
    except OSError as e:  # a disk full, a folder not writable: said, not a traceback
        return fail(f"failed: {e}")
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.command == "serve" or args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_command(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
