"""The audit log reads in words, in the reader's language: every action the code records has its
words, details are lines "label: value", the command line is named as such; never JSON or codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sync_server.accounts import audit
from tests.support.web import csrf_token, page

SERVER = Path(__file__).resolve().parents[2] / "sync_server"


def recorded_actions() -> set[str]:
    """Every action code passed as a literal to audit.record / audit_here / the roster's changed()
    (also the two branches of an `a if x else b`), found by reading the source."""
    found: set[str] = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("record", "audit_here", "changed") or not node.args:
                continue
            index = 1 if name == "record" else 0
            if len(node.args) <= index:
                continue
            arg = node.args[index]
            for part in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.add(part.value)
                elif isinstance(part, ast.JoinedStr):  # f"import.{kind}"
                    found |= {"import.procedures", "import.officers"}
    return found


def test_every_recorded_action_has_its_words():
    actions = recorded_actions()
    assert {"login", "officer.create", "user.deactivate", "response.include"} <= actions  # the scan works
    assert actions - set(audit.ACTIONS) == set()


def test_the_audit_page_reads_in_words_in_both_languages(admin):
    token = csrf_token(page(admin, "/roster"))
    admin.post("/roster/fields", data={"csrf_token": token, "code": "tu-phap", "name": "Tư pháp – Hộ tịch"})
    admin.post("/roster/officers", data={"csrf_token": token, "code": "nv-lan", "name": "Nguyễn Thị Lan",
                                         "fields": ["tu-phap"], "active": "1"})
    audit.record(audit.CLI, "rollup.rebuild", "", {"rows": 12})
    html = page(admin, "/admin/audit")
    assert "Thêm cán bộ" in html and "Thêm lĩnh vực" in html and "Đăng nhập" in html
    assert "Lĩnh vực: tu-phap" in html and "Tên: Nguyễn Thị Lan" in html and "Đang dùng: Có" in html
    assert "dòng lệnh trên máy chủ" in html and "Số dòng: 12" in html
    shown = re.sub(r"<[^>]+>", " ", html.split("<tbody>")[1])  # what a person reads, not the attributes
    assert not re.search(r"officer\.create|field\.create|rollup\.rebuild|\{&#34;|\{\"", shown)
    english = page(admin, "/admin/audit?lang=en")
    assert "Add officer" in english and "Field: tu-phap" in english
    assert "command line on the server" in english
    assert "Thêm cán bộ" not in english


def test_the_audit_log_filters_by_person_action_and_day(admin):
    from datetime import datetime

    from sync_server.db.models import AuditLog

    rows = [("lan", "officer.create", datetime(2026, 11, 2, 3)),
            ("lan", "field.create", datetime(2026, 11, 3, 3)),
            ("hung", "officer.create", datetime(2026, 11, 3, 18)),  # 01:00 on 4 Nov in Vietnam
            (audit.CLI, "rollup.rebuild", datetime(2026, 11, 5, 3))]
    made = {}
    for actor, action, at in rows:
        made[(actor, action)] = AuditLog.create(at=at, actor=actor, action=action, target="x", detail="{}").id

    def shown(query: str) -> set[int]:
        return {int(i) for i in re.findall(r'id="audit-(\d+)"', page(admin, "/admin/audit" + query))}

    assert shown("?who=lan") == {made["lan", "officer.create"], made["lan", "field.create"]}
    assert shown("?action=officer.create") == {made["lan", "officer.create"], made["hung", "officer.create"]}
    assert shown("?who=lan&action=officer.create") == {made["lan", "officer.create"]}
    assert shown("?start=2026-11-04&end=2026-11-04") == {made["hung", "officer.create"]}  # the local day
    assert shown("?who=cli") == {made[audit.CLI, "rollup.rebuild"]}
    html = page(admin, "/admin/audit?who=lan")
    assert '<option value="lan" selected>' in html and "dòng lệnh trên máy chủ" in html  # in words
    assert '<option value="officer.create">Thêm cán bộ</option>' in html
    reversed_range = page(admin, "/admin/audit?start=2026-11-05&end=2026-11-01")
    assert 'id="end-error"' in reversed_range and 'value="2026-11-05"' in reversed_range
    assert not re.search(r'id="audit-\d', reversed_range)  # the form with its error, no rows ignoring it
    assert 'id="start-error"' in page(admin, "/admin/audit?start=5/11/2026")
    assert 'id="action-error"' in page(admin, "/admin/audit?action=drop.table")
