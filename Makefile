# Pantau: every target sets up what it needs and is idempotent (a second run is fast).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/pantau
VENDOR := pantau/static/vendor
export PANTAU_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres test-browser setup setup-py compile-py setup-js setup-browser setup-nginx setup-ckan setup-pdf lint security bench messages clean

setup: setup-py setup-js setup-ckan setup-pdf compile-py

# Byte-code for Pantau's own modules (the installed packages have theirs from pip), so that a
# process start does not compile them again where PYTHONDONTWRITEBYTECODE is set; stale files
# are recompiled in place. Each `pantau` command starts about half a second sooner.
compile-py: setup-py
	@$(BIN)/python -m compileall -q -j 0 pantau config >/dev/null

setup-py: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# CKAN 2.11 with ckanext-dcat in a venv of their own (their pins clash with ours): the test
# pantau/opendata/tests/test_ckanext_dcat.py parses Pantau's DCAT with ckanext-dcat there.
setup-ckan: .venv-ckan/.installed
.venv-ckan/.installed: scripts/ckan/requirements.txt
	@test -x .venv-ckan/bin/python || $(PYTHON) -m venv .venv-ckan
	.venv-ckan/bin/pip install --quiet --no-deps ckan==2.11.6
	.venv-ckan/bin/pip install --quiet -r scripts/ckan/requirements.txt
	@touch $@

setup-js: $(VENDOR)/.installed
# Vendor files for the pages: copied from node_modules, and two small bundles built with esbuild
# from frontend/ (only the ECharts charts and Bootstrap components the pages use; decision 0012).
# ICONS: the Bootstrap Icons the templates use, served as SVG masks (vendor/bootstrap-icons/icons.css).
ICONS := binoculars person-circle geo-alt file-earmark-pdf check-circle exclamation-octagon exclamation-triangle exclamation-triangle-fill info-circle
ESBUILD := node_modules/.bin/esbuild --bundle --minify --format=iife --target=es2017 --legal-comments=none --log-level=warning
$(VENDOR)/.installed: package.json package-lock.json $(wildcard frontend/*.js) Makefile
	npm ci --no-audit --no-fund --loglevel=error
	@rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/leaflet
	@# the source maps that bootstrap.min.css and leaflet.js name: collectstatic (PANTAU_DEBUG=0) needs them
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	$(ESBUILD) frontend/bootstrap.js --outfile=$(VENDOR)/bootstrap/bootstrap.pantau.min.js
	$(ESBUILD) frontend/echarts.js --outfile=$(VENDOR)/echarts/echarts.pantau.min.js
	@for i in $(ICONS); do cp node_modules/bootstrap-icons/icons/$$i.svg $(VENDOR)/bootstrap-icons/; \
	  echo ".bi-$$i{-webkit-mask-image:url($$i.svg);mask-image:url($$i.svg)}"; done > $(VENDOR)/bootstrap-icons/icons.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@touch $@

# Debian's Chromium for the browser journeys (the test tool's own browser download cannot work here).
setup-browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "== Chromium tidak ditemukan: memasang paket Debian chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

# Debian's nginx-light for tests/test_deploy.py (`nginx -t` on deploy/nginx/pantau.conf) and
# tests/test_two_servers.py (two gunicorn servers behind it): the tests run it from a temporary
# prefix as their own child process (the package's own service, which apt starts on a systemd
# machine, is not used).
setup-nginx:
	@if ! command -v nginx >/dev/null 2>&1 && ! test -x /usr/sbin/nginx; then \
	  echo "== nginx tidak ditemukan: memasang paket Debian nginx-light"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; \
	fi

# The reports' PDF engine (WeasyPrint, decision 0039) draws with Debian's Pango; the tests read
# the PDFs back with poppler-utils (pdftotext, pdftoppm). Installed once; a second run only checks.
setup-pdf:
	@if ! command -v pdftoppm >/dev/null 2>&1 || ! ldconfig -p | grep -q libpango-1.0; then \
	  echo "== Pango/poppler tidak ditemukan: memasang paket Debian libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core >/dev/null; \
	fi

run: setup
	$(BIN)/pantau migrate --noinput
	$(BIN)/pantau demo --if-empty
	@echo "== Pantau berjalan di http://127.0.0.1:$(PORT)/ (Ctrl+C untuk berhenti)"
	@# The task queue (reminders, notices, e-mail) runs beside the web server and stops with it.
	$(BIN)/pantau run_huey --quiet & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/pantau runserver 127.0.0.1:$(PORT)

test: setup setup-browser setup-nginx
	@bash scripts/test-all.sh

test-sqlite: setup
	DATABASE_URL= $(BIN)/pytest -m "not browser" -q

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -q

test-browser: setup setup-browser
	DATABASE_URL= $(BIN)/pytest -m browser -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# bandit (pyproject.toml [tool.bandit]); its warnings about multi-line nosec are noise
	$(BIN)/bandit -q -c pyproject.toml -r pantau config scripts 2> >(grep -v 'but no failed test' >&2)

# Attack tests (decision 0032): a server with the demo data and canaries on a fresh data
# directory on 127.0.0.1:8107, sqlmap on every parameter of scripts/security/targets.csv and
# the canary crawler as every role; exits non-zero on any finding. The fast part runs in make
# test (tests/test_attack.py).
security: setup-py setup-js
	$(BIN)/python scripts/security/run.py --port 8107

bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/run.py

# Recompile translations after editing pantau/locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: setup
	cd pantau && ../$(BIN)/django-admin compilemessages --settings=config.settings --pythonpath=..

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
