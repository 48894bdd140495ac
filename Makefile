# The two commands of the README: `make run` (install and start the app) and `make test`
# (install what the tests need, start PostgreSQL if it is not running, run linters and tests).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test system-deps postgres lint bench messages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pybabel compile -d locale -D messages

# serve.py wraps app.py: uploads only from signed-in staff, at most ATLAS_MAX_UPLOAD_MB.
run: install
	$(BIN)/streamlit run serve.py

# Debian's Chromium for the browser tests; fonts for the printable maps; pdftotext to read them back;
# LibreOffice Calc (headless) to open the CSV/XLSX exports as a spreadsheet would.
SYSTEM_TOOLS := chromium:chromium pdftotext:poppler-utils soffice:libreoffice-calc-nogui
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	[ -z "$$missing" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; }

# Tests run against a real PostgreSQL at 127.0.0.1:5432 (user postgres); start it when it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  for v in $$(ls /etc/postgresql 2>/dev/null); do \
	    pg_ctlcluster --skip-systemctl-redirect $$v main start || true; done; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  pg_isready -h 127.0.0.1 -p 5432; }

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -r tests/requirements.txt
	$(BIN)/pybabel compile -d locale -D messages

# Layers and cycles are declared in pyproject.toml ([tool.importlinter]) and checked here.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: system-deps postgres install-test lint
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_gaps.py

# After changing a user-facing text: extract the messages into locale/messages.pot and merge them
# into every catalog; then translate the new entries (German always, tr/ar/uk for resident pages).
BABEL_KEYWORDS := -k t -k nt:1,2
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --add-comments=TRANSLATORS: \
	  --project=Begegnungsatlas --copyright-holder="Begegnungsatlas contributors" -o locale/messages.pot .
	$(BIN)/pybabel update -i locale/messages.pot -d locale -D messages --no-fuzzy-matching --ignore-obsolete --width=100
	$(BIN)/pybabel compile -d locale -D messages
