# Kleinstadtgeschichten: every command installs what it needs first.
#   make serve   live preview with drafts        make build   the published site in site/
#   make check   check all content               make test    all tests
#   make bench   benchmarks on synthetic corpora
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
export PYTHONPATH := $(CURDIR)/hooks:$(CURDIR)/tools

.PHONY: install system serve build check test bench

install: system $(STAMP) node_modules/.package-lock.json

# Debian packages (Chromium for browser tests, fonts, ...); only installs what is missing.
system:
	@bash tools/install-system.sh

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

# The Nu Html Checker (vnu.jar) for the HTML tests, pinned in package-lock.json; it runs on Debian's Java,
# so its install script (which would download a Java) is skipped.
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

serve: install
	$(PY) -m mkdocs serve --livereload

build: install
	$(PY) tools/build.py

check: install
	@$(PY) -m kleinstadt.cli check $(if $(GITHUB_ACTIONS),--format github,)

test: install
	$(PY) -m pytest

bench: install
	$(PY) tools/bench.py
