# hailong: the two commands of the README, and a few helpers.
#   make demo   server + one kiosk on SQLite under ./var/ (Ctrl-C stops both)
#   make test   the whole test suite (installs Xvfb/Mesa/xdotool first when run as root)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test sysdeps venv lint bench clean messages

# A new var/ starts with a month of sample ratings; `make demo DEMO_ARGS=--empty` starts empty.
DEMO_ARGS ?=
demo: sysdeps venv
	$(BIN)/python deploy/demo.py $(DEMO_ARGS)

# The suite runs on TEST_JOBS pytest-xdist workers, a test module per worker at a time (module
# fixtures start their X server, kiosk or server once); `make test TEST_JOBS=0` runs it in one
# process. Each worker gets its own PostgreSQL database (tests/support/server.py).
TEST_JOBS ?= auto
test: sysdeps venv
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)

sysdeps:
	@sh deploy/dev/sysdeps.sh

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[kiosk,server,dev]'
	touch $(STAMP)

# The server's translations (Flask-Babel): extract every msgid into its template, update the
# catalogues (new msgids come in untranslated: fill them in, e.g. with Poedit), compile the .mo
# files that ship in the package. tests/server/test_translations.py fails when one is missing.
# Two domains: `messages` (Vietnamese msgids, an English catalogue) for the pages, and `pull`
# (English msgids, a Vietnamese catalogue) for what pulls say, which the journal keeps in English.
BABEL_KEYWORDS := -k N_ -k InputError
CATALOGUES := sync_server/translations
PYBABEL_EXTRACT = $(BIN)/pybabel extract --no-location --sort-output --omit-header
messages: venv
	$(PYBABEL_EXTRACT) -F sync_server/babel.cfg $(BABEL_KEYWORDS) -o $(CATALOGUES)/messages.pot .
	$(PYBABEL_EXTRACT) -F sync_server/babel-pull.cfg -k say --no-default-keywords -o $(CATALOGUES)/pull.pot .
	$(BIN)/pybabel update -D messages -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching \
		--ignore-obsolete --width 100
	$(BIN)/pybabel update -D pull -i $(CATALOGUES)/pull.pot -d $(CATALOGUES) --no-fuzzy-matching \
		--ignore-obsolete --width 100
	$(BIN)/pybabel compile -D "messages pull" -d $(CATALOGUES)

lint: venv
	$(BIN)/ruff check .

# The quick benchmarks; bench/kiosk_idle.py and bench/kiosk_soak.py take longer (run them by hand).
bench: venv
	$(BIN)/python bench/kiosk_commit.py
	$(BIN)/python bench/server_pull.py

clean:
	rm -rf $(VENV) var test-output .pytest_cache
