"""`hailong-server create-admin`, `seed-demo`, `init-db`: setting a server up."""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from werkzeug.security import generate_password_hash

from sync_server.accounts import audit
from sync_server.cli.common import fail, load, masked
from sync_server.db import connection, init_db, write_transaction

MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Mật khẩu (ít nhất {MIN_PASSWORD} ký tự): ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    return first if first == second else None


def cmd_create_admin(args: argparse.Namespace) -> int:
    from sync_server.db.models import User

    cfg = load(args)
    username = args.username.strip()
    if not _USERNAME.match(username):
        return fail("Lỗi: tên đăng nhập chỉ gồm chữ không dấu, số, '.', '_', '-', '@' (tối đa 64) "
                     "(invalid username)")
    password = _read_password(args.password_stdin)
    if password is None:
        return fail("Lỗi: hai lần nhập mật khẩu không khớp (passwords do not match)")
    if len(password) < MIN_PASSWORD:
        return fail(f"Lỗi: mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự "
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

    cfg = load(args)
    init_db(cfg)
    with connection():
        version = demo_data.seed(cfg)
        audit.record(audit.CLI, "roster.seed_demo", demo_data.UNIT_NAME, {"roster_version": version})
    print(f"Đã nạp danh mục mẫu '{demo_data.UNIT_NAME}': {len(demo_data.OFFICERS)} cán bộ, "
          f"{len(demo_data.PROCEDURES)} thủ tục; roster v{version} (demo roster loaded)")
    return 0


def cmd_init_db(args: argparse.Namespace) -> int:
    from sync_server.db.migrations import LATEST

    cfg = load(args)
    init_db(cfg)
    where = masked(cfg.database_url) if cfg.database_url else str(cfg.sqlite_path)
    print(f"database ready: {where} (schema version {LATEST})")
    return 0
