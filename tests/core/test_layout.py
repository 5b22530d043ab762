"""The layout's import rules: `lint-imports` keeps every contract of pyproject.toml
([tool.importlinter]; docs/architecture.md says why each holds)."""

from __future__ import annotations

import ast
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
