# The two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app homecare
STAMP := $(VENV)/.installed-stamp
# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CATALOGUES := $(wildcard homecare/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test bench bench-offline lint translations extract-messages clean

## Set up, migrate, load the demo if the database is empty, and serve on 127.0.0.1:5000
## with the scheduler beside the web server (Ctrl-C stops both).
run: $(STAMP) $(COMPILED)
	HOMECARE_ALLOW_SYNTHETIC_IDS=1 $(FLASK) init
	HOMECARE_ALLOW_SYNTHETIC_IDS=1 $(FLASK) demo --if-empty
	export HOMECARE_ALLOW_SYNTHETIC_IDS=1; \
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## Lint and run the test suite (SQLite, and PostgreSQL when it answers; browser tests
## in Chromium).
test: $(STAMP) $(COMPILED) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

translations: $(COMPILED)

## Refresh the catalogues from the source after changing user-visible text.
## Generate (or reuse) a PostgreSQL database and measure the speed targets; BENCH_ARGS
## e.g. "--scale oslo". Prints a table; the JSON report goes to bench/results/.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## How long a nurse's day takes to be ready without signal on slow 4G (400 kbit/s,
## 400 ms), through a throttling proxy, in Chromium; BENCH_ARGS e.g. "--runs 5".
bench-offline: $(STAMP) $(COMPILED) $(CHROMIUM)
	$(BIN)/python bench/offline.py $(BENCH_ARGS)

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o homecare/translations/messages.pot .
	$(BIN)/pybabel update -i homecare/translations/messages.pot -d homecare/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance/homecare.sqlite3 $(COMPILED)
