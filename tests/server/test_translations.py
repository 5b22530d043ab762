"""The server's translations are complete and the shipped catalogue is the compiled one.

`pybabel extract` (with the keywords `make messages` uses) finds every message the pages and the
logic modules can show; each must have its English in `sync_server/translations/en`, not fuzzy,
with the same %(name)s values; and the `.mo` in the package must be exactly what the `.po`
compiles to (the office PC and the Pi have no build step, so a stale `.mo` would ship)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "sync_server" / "translations"
PO = CATALOGUES / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def keywords() -> list[str]:
    """The -k options of `make messages` (one place for them: the Makefile)."""
    line = next(x for x in (REPO / "Makefile").read_text().splitlines() if x.startswith("BABEL_KEYWORDS"))
    return line.split(":=", 1)[1].split()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple[str, str | None], object]:
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "sync_server/babel.cfg", *keywords(), "--no-location", "-o", str(pot), "."],
                   cwd=REPO, check=True, capture_output=True, text=True, timeout=120)
    with pot.open("rb") as f:
        return {(m.id, m.context): m for m in read_po(f) if m.id}


def catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_message_has_its_english(extracted):
    translated = {(m.id, m.context): m for m in catalogue() if m.id}
    missing = sorted(str(key) for key in extracted if key not in translated or not translated[key].string)
    assert not missing, f"no English for {missing}: run `make messages` and fill them in"
    fuzzy = sorted(m.id for m in translated.values() if m.fuzzy)
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"
    stale = sorted(str(key) for key in translated if key not in extracted)
    assert not stale, f"messages no code uses any more: {stale} (run `make messages`)"
    assert len(extracted) > 400  # the extraction really read the templates and the modules


def test_english_keeps_the_values_of_each_message():
    for m in catalogue():
        if m.id and m.string:
            assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id
            assert m.id.count("%%") == m.string.count("%%"), m.id


def test_the_shipped_mo_is_the_compiled_po(tmp_path):
    compiled = tmp_path / "messages.mo"
    with compiled.open("wb") as f:
        write_mo(f, catalogue())
    assert MO.read_bytes() == compiled.read_bytes(), "stale messages.mo: run `make messages`"


def test_the_catalogues_ship_in_the_package():
    text = (REPO / "pyproject.toml").read_text()
    assert '"*.mo"' in text
