# Kleinstadtgeschichten: every command installs what it needs first.
#   make serve   live preview with drafts        make build   the published site in site/
#   make check   check all content               make test    all tests
#   make bench   benchmarks on synthetic corpora   make lighthouse  Lighthouse on a story page
# For young authors and editors (see CONTRIBUTING.md):
#   make story   start a new story           make preview  show only what you changed, with drafts
#   make review  what a branch changes against main, for the editors
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
export PYTHONPATH := $(CURDIR)/hooks:$(CURDIR)/tools

.PHONY: install system serve build check test bench story preview review lighthouse codeowners cms-config

install: system $(STAMP) node_modules/.package-lock.json

# Debian packages (Chromium for browser tests, fonts, ...); only installs what is missing.
# KSG_SKIP_SYSTEM=1 skips them where the job needs none, such as the GitHub workflows (they only check and build).
system:
	@$(if $(KSG_SKIP_SYSTEM),true,bash tools/install-system.sh)

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

# The Nu Html Checker (vnu.jar) for the HTML tests, pinned in package-lock.json; it runs on Debian's Java,
# so its install script (which would download a Java) is skipped. Also Sveltia CMS and its fonts, which the
# build copies to /redaktion/ (hooks/kleinstadt/editor_page.py).
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

# Incremental: an edit to a story renders only the pages that show it; search index once in the background (tools/serve.py).
serve: install
	$(PY) tools/serve.py

build: install
	$(PY) tools/build.py

check: install
	@$(PY) -m kleinstadt.cli check $(if $(GITHUB_ACTIONS),--format github,)

# Asks for title, town, pillars and team; `make story ARGS='--title "..." --town luebz ...'` asks nothing.
story: install
	@$(PY) tools/new_story.py $(ARGS)

preview: install
	@$(PY) tools/preview.py $(if $(PORT),--port $(PORT),) $(if $(BASE),--base $(BASE),)

review: install
	@$(PY) tools/review.py $(if $(BASE),--base $(BASE),)

# .github/CODEOWNERS from the teams in taxonomy.yml (after registering a youth newsroom).
codeowners: install
	@$(PY) tools/codeowners.py --write

# editor/config.yml, the web editor's configuration (/redaktion/), from the content model, taxonomy.yml and towns/.
cms-config: install
	@$(PY) tools/cms_config.py

test: install
	$(PY) -m pytest

bench: install
	$(PY) tools/bench.py

# Lighthouse 12 (npm, mobile profile) on the home page and the newest story of the freshly built site, with Debian's Chromium:
# every score at least 98, at most 150 KB without images. Figures: README.md, "Messwerte".
lighthouse: build
	CHROME_PATH=/usr/bin/chromium $(PY) tools/lighthouse.py

# Editions and releases:
#   make release VERSION=2026.1   a version: CHANGELOG entry, tarball, print editions and SHA256SUMS in
#                                 dist/2026.1/, annotated tag v2026.1 (refuses an unclean tree or failing check)
#   make pdf EDITION=2026-1       the print edition of one edition as PDF in dist/
.PHONY: release pdf
release: install
	@test -n "$(VERSION)" || { echo "Bitte die Version angeben: make release VERSION=2026.1" >&2; exit 2; }
	$(PY) tools/release.py $(VERSION)

pdf: install
	@test -n "$(EDITION)" || { echo "Bitte die Ausgabe angeben: make pdf EDITION=2026-1" >&2; exit 2; }
	$(PY) tools/print_edition.py $(EDITION)
