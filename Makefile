# guatu: `make demo` serves the demo, `make test` runs the suite; both set everything up.
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# Debian packages: Chromium for the browser tests; a CJK font, Cairo and Pango for PDFs;
# poppler-utils to preview PDFs as PNG; LibreOffice Calc (no GUI) writes ledger files for the tests;
# a Java runtime lets MPXJ read .mpp and .xer plans.
SYSTEM_PACKAGES ?= chromium fonts-noto-cjk libcairo2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils libreoffice-calc-nogui openjdk-17-jre-headless

.PHONY: install system demo serve test lint format messages clean

install: $(STAMP)

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Please install:$$missing (apt-get)" >&2; exit 1; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then PY=$$(scripts/find-python) && echo "Creating $(VENV) with $$PY" && "$$PY" -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: install system
	$(BIN)/guatu demo
	@echo "Serving guatu on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/guatu runserver 127.0.0.1:$(PORT)

serve: install
	$(BIN)/guatu runserver 127.0.0.1:$(PORT)

# The suite on every core (pytest-xdist), the 25 slowest tests listed at the end.
PYTEST_PARALLEL ?= -n auto --durations=25

# Tests marked serial empty the database when they end: they run alone, afterwards.
test: install system
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not serial"
	$(BIN)/pytest -m serial

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Extract new strings into the catalogues, then translate them in
# src/guatu/locale/zh_Hans/LC_MESSAGES/django.po and run `make messages` again.
messages: install
	cd src/guatu && ../../$(BIN)/guatu makemessages -l zh_Hans -l en --add-location=file -i '*/migrations/*'
	cd src/guatu && ../../$(BIN)/guatu compilemessages -l zh_Hans -l en

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build src/*.egg-info
