"""The server's translations are complete and the shipped catalogues are the compiled ones.

`pybabel extract` (as `make messages` runs it) finds every message the pages and the logic
modules can show (domain `messages`, English catalogue) and everything a pull can say (domain
`pull`, Vietnamese catalogue); each must have its translation, not fuzzy, with the same
%(name)s values; and each `.mo` in the package must be exactly what its `.po` compiles to (the
office PC and the Pi have no build step, so a stale `.mo` would ship)."""

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
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MAKEFILE = (REPO / "Makefile").read_text()


def keywords() -> list[str]:
    """The -k options of `make messages` for the pages (one place for them: the Makefile)."""
    line = next(x for x in MAKEFILE.splitlines() if x.startswith("BABEL_KEYWORDS"))
    return line.split(":=", 1)[1].split()


PULL_KEYWORDS = ["-k", "say", "--no-default-keywords"]
# domain: (mapping file, extraction options, translated language, how many messages at least)
DOMAINS = {"messages": ("sync_server/babel.cfg", keywords(), "en", 400),
           "pull": ("sync_server/babel-pull.cfg", PULL_KEYWORDS, "vi", 40)}


def catalogue(domain: str):
    with (CATALOGUES / DOMAINS[domain][2] / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return read_po(f)


def extract(domain: str, tmp_path: Path) -> dict[tuple[str, str | None], object]:
    mapping, options, _lang, _n = DOMAINS[domain]
    pot = tmp_path / f"{domain}.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", mapping, *options,
                    "--no-location", "-o", str(pot), "."],
                   cwd=REPO, check=True, capture_output=True, text=True, timeout=120)
    with pot.open("rb") as f:
        return {(m.id, m.context): m for m in read_po(f) if m.id}


def test_make_messages_extracts_the_pull_domain_as_this_test_does():
    assert " ".join(PULL_KEYWORDS) in MAKEFILE


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_its_translation(domain, tmp_path):
    extracted = extract(domain, tmp_path)
    translated = {(m.id, m.context): m for m in catalogue(domain) if m.id}
    missing = sorted(str(key) for key in extracted if key not in translated or not translated[key].string)
    assert not missing, f"no translation for {missing}: run `make messages` and fill them in"
    fuzzy = sorted(m.id for m in translated.values() if m.fuzzy)
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"
    stale = sorted(str(key) for key in translated if key not in extracted)
    assert not stale, f"messages no code uses any more: {stale} (run `make messages`)"
    assert len(extracted) > DOMAINS[domain][3]  # the extraction really read the sources


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_translation_keeps_the_values_of_its_message(domain):
    for m in catalogue(domain):
        if m.id and m.string:
            assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id
            assert m.id.count("%%") == m.string.count("%%"), m.id


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_shipped_mo_is_the_compiled_po(domain, tmp_path):
    compiled = tmp_path / f"{domain}.mo"
    with compiled.open("wb") as f:
        write_mo(f, catalogue(domain))
    shipped = CATALOGUES / DOMAINS[domain][2] / "LC_MESSAGES" / f"{domain}.mo"
    assert shipped.read_bytes() == compiled.read_bytes(), f"stale {domain}.mo: run `make messages`"


def test_the_catalogues_ship_in_the_package():
    text = (REPO / "pyproject.toml").read_text()
    assert '"*.mo"' in text
