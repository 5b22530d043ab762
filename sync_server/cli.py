"""`hailong-server`: serve the staff pages and pull the kiosks, and the operations around it.

Config problems print one line (file, key, problem) and exit 2, never a traceback. A kiosk that
cannot be reached is reported, never an error exit: cron and systemd timers keep running.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import DatabaseError, ImproperlyConfigured
from werkzeug.security import generate_password_hash

from kiosk.shared.exc import ConfigError
from sync_server import __version__, config
from sync_server.accounts import audit
from sync_server.db import connection, init_db, write_transaction
from sync_server.exc import ServerError
from sync_server.ops import backup
from sync_server.roster import kiosks as fleet

EXIT_CONFIG = 2
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
log = logging.getLogger("hailong-server")


def _load(args: argparse.Namespace) -> config.ServerConfig:
    return config.load(Path(args.config))


def _fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def cmd_serve(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from sync_server.app import create_app
    from sync_server.collect.loop import PullLoop
    from sync_server.ops.retention import RetentionLoop
    from sync_server.upstream.schedule import PushLoop
    from sync_server.upstream.wire import MAX_BATCH_BYTES

    cfg = _load(args)
    app = create_app(cfg)
    host = args.host or cfg.host
    port = cfg.port if args.port is None else args.port
    # waitress reads a whole request before the app sees it: a body larger than the largest the
    # app takes (a hub's batch) is refused (413) as soon as its Content-Length is read.
    server = create_server(app, host=host, port=port, threads=8, ident="hailong-server",
                           max_request_body_size=MAX_BATCH_BYTES + 1)
    # A scan cut short by a stop (after a pull's commit, before its scan) is caught up here.
    _scan_alerts(cfg, days=2)
    # server.toml's kiosks and those added on the web (re-read by the loop as they change).
    loop = None if args.no_pull else PullLoop(cfg, kiosks=lambda: fleet.current(cfg)).start()
    pusher = PushLoop(cfg).start() if cfg.upstream is not None else None  # [upstream]: to the hub
    # Personal data past its period (names and phones, dossier codes); the ratings stay.
    purger = RetentionLoop([(name, job) for name, (_line, job) in _retention(cfg).items()]).start()
    signal.signal(signal.SIGTERM, _interrupt)  # systemd and NSSM stop with SIGTERM
    print(f"hailong-server {__version__}: http://{host}:{server.effective_port}/ "  # type: ignore[union-attr]
          f"({len(fleet.current(cfg))} kiosk(s), pull every {cfg.pull_interval_s:g} s)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if loop is not None:
            loop.stop()
        if pusher is not None:
            pusher.stop()
        purger.stop()
        server.close()
    print("hailong-server: stopped", flush=True)
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from sync_server.collect.loop import PullLoop
    from sync_server.collect.puller import pull_all

    cfg = _load(args)
    init_db(cfg)
    kiosks = fleet.current(cfg)
    if not kiosks:
        print(f"no kiosks in {cfg.path} (add [[kiosks]] tables) nor added on the web")
        return 0
    if args.once:
        for result in pull_all(cfg, kiosks=kiosks):
            print(result.line(), flush=True)
        return 0
    signal.signal(signal.SIGTERM, _interrupt)
    loop = PullLoop(cfg, kiosks=lambda: fleet.current(cfg)).start()
    try:
        while True:  # sleep in slices: Ctrl-C interrupts this on Windows too
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        loop.stop()
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from sync_server.exc import Refused
    from sync_server.upstream.push import push_once

    cfg = _load(args)
    if cfg.upstream is None:
        return _fail(f"{cfg.path}: [upstream]: missing table (url, server_id, token of the province hub)",
                     EXIT_CONFIG)
    init_db(cfg)
    result = push_once(cfg, page=args.page)
    if result.status == "ok" and result.backlog == 0:
        print(result.line(), flush=True)
        return 0
    return _fail(result.line(), Refused.exit_status if result.status == "refused" else 1)


def cmd_pair_hub(args: argparse.Namespace) -> int:
    from kiosk.shared.exc import PairingError
    from sync_server.upstream.pairing import pair

    cfg = _load(args)
    try:
        p, held, text = pair(cfg, args.code, write=args.write)
    except PairingError as e:
        return _fail(f"pair-hub: {e}", EXIT_CONFIG)
    print(f"pair-hub: the hub {p.url} knows {p.kiosk_id} ({held} store(s) held)", file=sys.stderr)
    if args.write:
        print(f"pair-hub: [upstream] added to {cfg.path}; restart hailong-server, then push --once",
              file=sys.stderr)
    else:
        print(text, end="", flush=True)
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Mật khẩu (ít nhất {MIN_PASSWORD} ký tự): ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    return first if first == second else None


def cmd_create_admin(args: argparse.Namespace) -> int:
    from sync_server.db.models import User

    cfg = _load(args)
    username = args.username.strip()
    if not _USERNAME.match(username):
        return _fail("Lỗi: tên đăng nhập chỉ gồm chữ không dấu, số, '.', '_', '-', '@' (tối đa 64) "
                     "(invalid username)")
    password = _read_password(args.password_stdin)
    if password is None:
        return _fail("Lỗi: hai lần nhập mật khẩu không khớp (passwords do not match)")
    if len(password) < MIN_PASSWORD:
        return _fail(f"Lỗi: mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự "
                     f"(password shorter than {MIN_PASSWORD} characters)")
    init_db(cfg)
    with connection(), write_transaction():
        hashed = generate_password_hash(password)
        user = User.get_or_none(User.username == username)
        if user is None:
            User.create(username=username, password_hash=hashed, role="admin")
            audit.record(audit.CLI, "user.create", username, {"role": "admin"})
            print(f"Đã tạo tài khoản quản trị '{username}' (admin created)")
        else:
            User.update(password_hash=hashed, role="admin", active=True).where(User.id == user.id).execute()
            audit.record(audit.CLI, "user.password", username, {"role": "admin", "active": True})
            print(f"Đã đặt lại mật khẩu và quyền quản trị cho '{username}' (password reset)")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from sync_server.ops import demo_data

    cfg = _load(args)
    init_db(cfg)
    with connection():
        version = demo_data.seed(cfg)
        audit.record(audit.CLI, "roster.seed_demo", demo_data.UNIT_NAME, {"roster_version": version})
    print(f"Đã nạp danh mục mẫu '{demo_data.UNIT_NAME}': {len(demo_data.OFFICERS)} cán bộ, "
          f"{len(demo_data.PROCEDURES)} thủ tục; roster v{version} (demo roster loaded)")
    return 0


def cmd_init_db(args: argparse.Namespace) -> int:
    from sync_server.db.migrations import LATEST

    cfg = _load(args)
    init_db(cfg)
    where = _masked(cfg.database_url) if cfg.database_url else str(cfg.sqlite_path)
    print(f"database ready: {where} (schema version {LATEST})")
    return 0


def cmd_rebuild_rollups(args: argparse.Namespace) -> int:
    from sync_server.reports import rollup

    cfg = _load(args)
    init_db(cfg)
    with connection(), write_transaction():
        rows = rollup.rebuild()
        audit.record(audit.CLI, "rollup.rebuild", "", {"rows": rows})
    print(f"rollups rebuilt from the stored responses: {rows} rows")
    return 0


def _scan_alerts(cfg, days: float) -> int:
    from datetime import timedelta

    from sync_server.db.models import utcnow
    from sync_server.reports import service_alerts, yes_no

    now = utcnow()
    with connection(), write_transaction():
        start = now - timedelta(days=days)
        return (service_alerts.scan_since(start, cfg.service_alert_rule, now)
                + yes_no.scan_since(start, cfg.service_alert_rule.on_yes, now))


def cmd_scan_alerts(args: argparse.Namespace) -> int:
    cfg = _load(args)
    init_db(cfg)
    print(f"service alerts: {_scan_alerts(cfg, args.days)} new, from the responses received in the "
          f"last {args.days:g} day(s)")
    return 0


def _retention(cfg: config.ServerConfig) -> dict[str, tuple[str, Callable[[datetime], int]]]:
    """What serve purges hourly and purge-contacts / purge-dossiers once: the line, the job."""
    from sync_server.qr import contacts
    from sync_server.reports import dossier_links

    return {"contacts": (f"contacts: %d purged (left more than {cfg.qr.contact_days} day(s) ago)",
                         lambda now: contacts.purge(now, cfg.qr.contact_days)),
            "dossiers": (f"dossier codes: %d purged (stored more than {cfg.dossier_days} day(s) ago)",
                         lambda now: dossier_links.purge(now, cfg.dossier_days))}


def cmd_purge(args: argparse.Namespace) -> int:
    from sync_server.db.models import utcnow

    cfg = _load(args)
    init_db(cfg)
    line, job = _retention(cfg)[args.what]
    print(line % job(utcnow()))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    result = backup.backup(_load(args), keep_days=args.keep_days,
                           directory=Path(args.dir) if args.dir else None)
    print(result.line(), flush=True)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    cfg = _load(args)
    started = time.monotonic()
    safety = backup.restore(cfg, Path(args.file), force=args.force)
    target = "the PostgreSQL database" if backup.is_postgres(cfg) else backup.sqlite_path(cfg)
    if safety:
        print(f"restore: the database as it was is kept in {safety}")
    print(f"restore: {args.file} -> {target} ({time.monotonic() - started:.1f} s); start the server again "
          "(systemctl start hailong-server hailong-server-backup.timer)", flush=True)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    cfg = _load(args)
    directory = Path(args.dir) if args.dir else backup.backup_dir(cfg)
    backups = backup.list_backups(directory)
    if not backups:
        print(f"no backups in {directory}")
    for path in backups:
        print(f"{path}  {backup.size_text(path.stat().st_size)}")
    return 0


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
        return _fail(e.line(), e.exit_status)
    except DatabaseError as e:
        return _fail(f"database error: {' '.join(str(e).split())}")  # one line, as psycopg2 splits it
    except ImproperlyConfigured as e:  # e.g. the PostgreSQL driver is not installed
        return _fail(f"database error: {e} (pip install 'hailong[server]')")
    except OSError as e:  # a disk full, a folder not writable: said, not a traceback
        return _fail(f"failed: {e}")
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.command == "serve" or args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_command(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
