"""The layout's import rules: `lint-imports` keeps every contract of pyproject.toml
([tool.importlinter]; docs/architecture.md says why each holds)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "kiosk"


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == contract_id)


def test_lint_imports_keeps_every_contract():
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), f"{lint} missing: install the dev extra (pip install -e '.[dev]')"
    result = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contracts_name_every_kiosk_module_outside_kiosk_shared():
    # A forbidden contract lists modules: a kiosk module added later must be listed too, or
    # kiosk.shared and the server could import it unnoticed.
    children = {f"kiosk.{p.stem if p.is_file() else p.name}" for p in KIOSK.iterdir()
                if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    outside = children - {"kiosk.shared"}
    for contract_id in ("shared-stdlib-only", "server-through-shared"):
        listed = set(_contract(contract_id)["forbidden_modules"])
        assert outside <= listed, f"{contract_id}: add {sorted(outside - listed)} to forbidden_modules"


def test_kiosk_shared_imports_only_the_standard_library():
    # lint-imports forbids the third-party packages it is told about; this catches any other.
    for path in sorted((KIOSK / "shared").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith("kiosk.shared"), \
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"


def test_no_kiosk_test_module_imports_another_test_module():
    # Helpers live in tests/support/; a test module is only ever collected, never imported.
    for folder in ("core", "kiosk", "e2e"):
        for path in sorted((ROOT / "tests" / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
                    assert node.module.startswith("tests.support."), \
                        f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}"


# --- the server ------------------------------------------------------------------------------

SERVER = ROOT / "sync_server"
# Modules that are neither views nor logic: the web glue, allowed Flask. Anything else that is
# not a view must be listed in the "server-logic-no-flask" contract.
SERVER_WEB_GLUE = {
    "sync_server.__main__", "sync_server.app", "sync_server.cli", "sync_server.extensions",
    "sync_server.accounts.access",  # who may see a page (decorators, the session's user)
    "sync_server.roster.changes",  # records a roster change from a view (audit + version)
    "sync_server.reports.downloads",  # sends XLSX/DOCX files
    "sync_server.reports.period_form",  # reads the period form (and a hub's unit) from the request
    "sync_server.qr.common", "sync_server.qr.addendum",  # the QR page's request helpers
}


def _server_modules() -> dict[str, Path]:
    modules = {}
    for path in SERVER.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _covered(name: str, listed: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in listed)


def test_the_protected_views_are_exactly_the_modules_that_define_a_blueprint():
    blueprints = {name for name, path in _server_modules().items()
                  if "Blueprint(" in path.read_text(encoding="utf-8")}
    assert set(_contract("server-views-only-from-app")["protected_modules"]) == blueprints


def test_every_server_module_is_a_view_web_glue_or_flask_free_logic():
    views = set(_contract("server-views-only-from-app")["protected_modules"])
    logic = set(_contract("server-logic-no-flask")["source_modules"])
    for name in sorted(_server_modules()):
        if name == "sync_server" or name in views or _covered(name, SERVER_WEB_GLUE) \
                or name.startswith("sync_server.web"):
            assert not _covered(name, logic), f"{name} is listed as logic but may use Flask"
            continue
        if name in {"sync_server.accounts", "sync_server.collect", "sync_server.ops", "sync_server.qr",
                    "sync_server.reports", "sync_server.roster", "sync_server.upstream"}:
            continue  # a package's __init__: its modules are listed one by one
        assert _covered(name, logic), \
            f"add {name} to the server-logic-no-flask contract (or to SERVER_WEB_GLUE)"


def test_view_modules_are_named_views():
    for name in _contract("server-views-only-from-app")["protected_modules"]:
        assert name.endswith("views"), f"{name}: a module with a Blueprint is named *_views.py or views.py"


def test_no_server_test_module_imports_another_test_module():
    for path in sorted((ROOT / "tests" / "server").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
                assert node.module.startswith("tests.support."), \
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}"


def test_the_installer_modules_share_one_xdist_group():
    """Every test module that builds a Debian root is in the group that keeps them on one worker
    (two roots filling the shared apt and pip caches at once would break both)."""
    from tests.support.groups import DEBIAN_ROOT_MODULES, xdist_group

    deploy = ROOT / "tests" / "deploy"
    builders = {p.name for p in deploy.glob("test_*.py")
                if re.search(r"\bdebian_root\b|\bfirst_run\b", p.read_text(encoding="utf-8"))}
    assert builders and builders <= DEBIAN_ROOT_MODULES, builders - DEBIAN_ROOT_MODULES
    assert all((deploy / name).exists() for name in DEBIAN_ROOT_MODULES)
    assert {xdist_group(deploy / name, ROOT) for name in DEBIAN_ROOT_MODULES} == {"debian-root"}
    assert xdist_group(ROOT / "tests/server/test_config.py", ROOT) == "tests/server/test_config.py"
