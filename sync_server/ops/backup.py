"""Backups of the server database, and restoring one: `hailong-server backup | restore | backups`.

- SQLite (the default): SQLite's online backup API (`sqlite3.Connection.backup`) copies a
  consistent snapshot while the server keeps running and writing. A plain file copy is not
  safe: it can catch a half-written page, and it misses whatever still sits in `server.db-wal`.
  The copy is written to a temporary file, checked with `PRAGMA integrity_check`, switched to
  a single file (journal_mode=DELETE), synced, and only then renamed to
  `<data_dir>/backups/hailong-YYYYmmdd-HHMMSS.db`: a backup that exists is complete and good.
- PostgreSQL (`database_url`/`DATABASE_URL`): `pg_dump --format=custom` into
  `hailong-YYYYmmdd-HHMMSS.dump`, checked by `pg_restore --list`. The password goes to pg_dump
  through the environment (PGPASSWORD), never on a command line that `ps` shows.
- After a good backup, backups are pruned: those of the newest `--keep-days` calendar days
  that have backups are kept (an office PC switched off for a month keeps its history).
- Restore refuses while something answers on the server's port (stop the server first), takes
  a safety backup of the current database, then copies the backup in through the same backup
  API (SQLite handles the live database's WAL itself; no stale `-wal` file can corrupt it).
- Backup and restore take the same lock (`backups/.lock`): they never overlap.

Pure standard library plus peewee's URL parser; runs on Linux and Windows office PCs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sync_server import config as server_config
from sync_server.exc import Refused, ServerError

BACKUP_DIR_NAME = "backups"
DEFAULT_KEEP_DAYS = 30
NAME = re.compile(r"^hailong-(?P<date>\d{8})-(?P<time>\d{6})(?P<tag>-[a-z0-9-]+)?\.(?P<ext>db|dump)$")
_PG_SCHEMES = ("postgres", "postgresql", "postgres+pool", "postgresql+pool")
# libpq environment variables for the keys peewee's URL parser may return.
_PG_ENV = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD",
           "database": "PGDATABASE", "sslmode": "PGSSLMODE", "connect_timeout": "PGCONNECT_TIMEOUT",
           "sslrootcert": "PGSSLROOTCERT", "application_name": "PGAPPNAME"}


class BackupError(ServerError):
    """A backup or restore that did not happen; str() is the one line to show."""

    prefix = "failed: "


@dataclass
class BackupResult:
    path: Path
    size: int
    check: str
    pruned: list[Path] = field(default_factory=list)

    def line(self) -> str:
        removed = f", {len(self.pruned)} old backup(s) removed" if self.pruned else ""
        return f"backup: {self.path} ({size_text(self.size)}, {self.check}{removed})"


def size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n} bytes"


# --- where the database is ---------------------------------------------------------------------

def is_postgres(cfg: server_config.ServerConfig) -> bool:
    return cfg.database_url.partition("://")[0] in _PG_SCHEMES


def sqlite_path(cfg: server_config.ServerConfig) -> Path:
    """The SQLite file the server uses: under data_dir, or named by a sqlite:/// URL."""
    if not cfg.database_url:
        return cfg.sqlite_path
    if cfg.database_url.startswith("sqlite"):
        from playhouse.db_url import parse

        return Path(parse(cfg.database_url)["database"])
    raise BackupError(f"cannot back up database_url scheme {cfg.database_url.partition('://')[0]!r}: "
                      "only SQLite and PostgreSQL are supported")


def backup_dir(cfg: server_config.ServerConfig) -> Path:
    return cfg.data_dir / BACKUP_DIR_NAME


def pg_environment(url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """libpq's PG* variables for a peewee-style URL (pool options dropped, password unquoted)."""
    from playhouse.db_url import parse

    env = dict(os.environ if base is None else base)
    for key, value in parse(url, unquote_password=True, unquote_user=True).items():
        if key in _PG_ENV and value not in (None, ""):
            env[_PG_ENV[key]] = str(value)
    return env


# --- small helpers -----------------------------------------------------------------------------

def _stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def _free_name(directory: Path, stem: str, ext: str) -> Path:
    """`stem.ext`, or `stem-2.ext`, ... if a backup was already made within the same second."""
    path, n = directory / f"{stem}.{ext}", 1
    while path.exists():
        n += 1
        path = directory / f"{stem}-{n}.{ext}"
    return path


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename itself
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.name != "nt":
        path.chmod(0o750)  # backups hold password hashes and kiosk tokens: not for other users


@contextlib.contextmanager
def _lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on `backups/.lock` held for the whole backup or restore."""
    _make_dir(directory)
    f = open(directory / ".lock", "a+b")  # closed in finally, which releases the lock
    try:
        try:
            if os.name == "nt":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Refused("busy", f"another backup or restore is running ({directory / '.lock'} is "
                                  "locked)") from None
        yield
    finally:
        f.close()  # closing releases the lock on both systems


def _integrity(db_path: Path) -> str:
    """'ok', or what `PRAGMA integrity_check` (or opening the file) found wrong."""
    try:
        con = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        return str(e)
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


# --- SQLite ------------------------------------------------------------------------------------

def _sqlite_copy(source: Path, target_tmp: Path) -> None:
    """A consistent snapshot of `source` (a live WAL database) as one self-contained file."""
    if not source.is_file():
        raise BackupError(f"no database at {source} (has the server ever started?)")
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(target_tmp)
    try:
        # pages=-1: the whole database in one step, inside one read transaction: a consistent
        # snapshot. Writers go on meanwhile (WAL); their later commits are simply not in it.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal/-shm beside the backup
    finally:
        dst.close()
        src.close()


def _backup_sqlite(cfg: server_config.ServerConfig, directory: Path, stem: str) -> tuple[Path, str]:
    final = _free_name(directory, stem, "db")
    tmp = directory / f".{final.name}.tmp"
    try:
        _sqlite_copy(sqlite_path(cfg), tmp)
        check = _integrity(tmp)
        if check != "ok":
            raise BackupError(f"the copy failed PRAGMA integrity_check ({check}); the database "
                              f"itself may be damaged: keep the older backups")
        _fsync_file(tmp)
        os.replace(tmp, final)
        _fsync_dir(directory)
    except sqlite3.Error as e:
        raise BackupError(f"SQLite backup of {sqlite_path(cfg)} failed: {e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return final, "integrity ok"


def _restore_sqlite(cfg: server_config.ServerConfig, source: Path) -> None:
    target = sqlite_path(cfg)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        # Through SQLite, into the live file: its WAL is handled, never left stale beside it.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=WAL")  # as the server runs it
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as e:
        raise BackupError(f"restore into {target} failed: {e}") from None
    finally:
        dst.close()
        src.close()
    check = _integrity(target)
    if check != "ok":
        raise BackupError(f"{target} failed PRAGMA integrity_check after the restore: {check}")


# --- PostgreSQL --------------------------------------------------------------------------------

def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools of the server's "
                          f"major version (Debian: apt-get install postgresql-client) or put {name} on PATH")
    return path


def _run(args: list[str], env: Mapping[str, str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=dict(env), capture_output=True, text=True)
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[:400]
        raise BackupError(f"{what} failed (exit {result.returncode}): {detail}")
    return result


def _backup_postgres(cfg: server_config.ServerConfig, directory: Path, stem: str) -> tuple[Path, str]:
    env = pg_environment(cfg.database_url)
    final = _free_name(directory, stem, "dump")
    tmp = directory / f".{final.name}.tmp"
    try:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}"],
             env, "pg_dump")
        listing = _run([_tool("pg_restore"), "--list", str(tmp)], env, "pg_restore --list (check)")
        entries = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
        _fsync_file(tmp)
        os.replace(tmp, final)
        _fsync_dir(directory)
    finally:
        tmp.unlink(missing_ok=True)
    return final, f"pg_restore --list ok, {entries} entries"


def _restore_postgres(cfg: server_config.ServerConfig, source: Path) -> None:
    env = pg_environment(cfg.database_url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={env.get('PGDATABASE', '')}", str(source)],
         env, "pg_restore")


# --- the operations ----------------------------------------------------------------------------

def list_backups(directory: Path) -> list[Path]:
    """Backups in `directory`, oldest first (by the time in their names)."""
    if not directory.is_dir():
        return []
    found = [(m["date"] + m["time"], p.name, p) for p in directory.iterdir()
             if (m := NAME.match(p.name)) and p.is_file()]
    return [p for _key, _name, p in sorted(found)]


def prune(directory: Path, keep_days: int) -> list[Path]:
    """Delete backups older than the newest `keep_days` calendar days that have backups."""
    if keep_days < 1:
        raise BackupError("--keep-days must be at least 1")
    backups = list_backups(directory)
    days = sorted({NAME.match(p.name)["date"] for p in backups}, reverse=True)
    keep = set(days[:keep_days])
    removed = []
    for path in backups:
        if NAME.match(path.name)["date"] not in keep:
            path.unlink()
            removed.append(path)
    return removed


def backup(cfg: server_config.ServerConfig, keep_days: int | None = DEFAULT_KEEP_DAYS,
           now: dt.datetime | None = None, tag: str = "", directory: Path | None = None) -> BackupResult:
    """One backup into `<data_dir>/backups/`; then prune to `keep_days` (None: no pruning)."""
    directory = directory or backup_dir(cfg)
    stem = f"hailong-{_stamp(now or dt.datetime.now())}{'-' + tag if tag else ''}"
    with _lock(directory):
        if is_postgres(cfg):
            path, check = _backup_postgres(cfg, directory, stem)
        else:
            path, check = _backup_sqlite(cfg, directory, stem)
        if os.name != "nt":
            path.chmod(0o640)
        pruned = prune(directory, keep_days) if keep_days else []
    return BackupResult(path=path, size=path.stat().st_size, check=check, pruned=pruned)


def server_answers(cfg: server_config.ServerConfig, timeout: float = 1.0) -> bool:
    """Whether something accepts connections on the server's port (then it is probably running)."""
    host = "127.0.0.1" if cfg.host in ("0.0.0.0", "", "::") else cfg.host
    try:
        with socket.create_connection((host, cfg.port), timeout=timeout):
            return True
    except OSError:
        return False


def restore(cfg: server_config.ServerConfig, source: Path, force: bool = False,
            now: dt.datetime | None = None) -> Path | None:
    """Replace the database with `source`; returns the safety backup of what was there (if any)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    postgres = is_postgres(cfg)
    if source.suffix != (".dump" if postgres else ".db"):
        kind = "a .dump (pg_dump)" if postgres else "a .db (SQLite)"
        raise BackupError(f"{source.name}: this server's database needs {kind} backup")
    if not postgres:
        check = _integrity(source)
        if check != "ok":
            raise BackupError(f"{source} is not a sound SQLite database ({check}): not restored")
    if server_answers(cfg) and not force:
        raise Refused("running", f"the server seems to be running (something answers on port "
                      f"{cfg.port}): stop it first (Linux: systemctl stop hailong-server "
                      "hailong-server-backup.timer; Windows: "
                      "Stop-ScheduledTask 'hailong-server'), or pass --force if that is another program")
    directory = backup_dir(cfg)
    safety = None
    database_exists = postgres or sqlite_path(cfg).is_file()
    if database_exists:  # what is there now is kept first: a restore can itself be undone
        safety = backup(cfg, keep_days=None, now=now, tag="pre-restore").path
    with _lock(directory):
        if postgres:
            _restore_postgres(cfg, source)
        else:
            _restore_sqlite(cfg, source)
    return safety
