# The two entry points: `make run` builds the graph and asks the story's questions;
# `make test` installs the test tools, lints, type-checks src/ (mypy) and runs the whole test
# suite, the installed-wheel test included (`pytest -m package` runs only that).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORY  := story-statements chips-singled-out timeline contested-claims conflicting-obligations-as-of
# the story's days on the timeline (all 109 events: rivalry query timeline --all)
timeline_ARGS := -p from=2025-05-19 -p to=2025-05-23

.PHONY: run test setup lint clean attack vendor

run: $(VENV)/.installed
	$(BIN)/rivalry build
	@$(foreach q,$(STORY),$(BIN)/rivalry query $(q) $($(q)_ARGS) &&) true

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# a 10-minute randomised campaign against a copy of the project (scripts/attack.py);
# failing inputs are kept in .rivalry/attack/, the figures in .rivalry/attack.json
SEED ?= 1
attack: $(VENV)/.installed-test
	$(BIN)/python scripts/attack.py --budget 600 --seed $(SEED) --json .rivalry/attack.json

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# refresh the browser libraries in src/rivalry/web/static/vendor from package-lock.json
vendor: $(VENV)/.installed
	npm ci --no-audit --no-fund --ignore-scripts
	$(BIN)/python scripts/vendor_js.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .rivalry .pytest_cache .ruff_cache .mypy_cache build dist
