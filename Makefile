# The README's commands. CI (.ci/run) only calls `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# Every Rasa command goes through assistant/serve.py: it installs and checks the patches (assistant/patches/).
RASA        := TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) -m assistant.serve
SPACY_MODEL := build/spacy_nl
MODEL       := models/rugpijn.tar.gz
STAMP       := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-12)
WEB_STAMP   := web/node_modules/.installed-$(shell cat web/package.json web/package-lock.json | sha1sum | cut -c1-12)
CHROMIUM    := /usr/bin/chromium
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help setup train run shell test lint validate unit stories heldout integration clean lock forget-old eval bench \
        report review

help:
	@echo "make run    - set up, train if the data changed, and serve the assistant: demo page with the chat"
	@echo "             widget (http://127.0.0.1:5005/demo/), REST, HTTP API, Telegram when configured"
	@echo "make test   - set up and run every test (what CI runs)"
	@echo "make shell  - chat with the assistant in the terminal"
	@echo "make train  - train the model into $(MODEL) (skipped when nothing changed)"
	@echo "make lint   - ruff format --check, ruff check, mypy (as the pre-commit hooks)"
	@echo "make eval   - held-out, clinical and field sets vs the baselines + 5-fold CV (~10 min; reports/eval, docs/eval)"
	@echo "make bench  - speed under load vs the rasa init bot, time to the apology (~14 min; reports/bench, docs/bench)"
	@echo "make forget-old - delete conversation sessions that ended more than RETENTION_DAYS (30) days ago"
	@echo "make report - insights of the last 30 days from the tracker store (reports/insights/report.html, .json)"
	@echo "make review - label what the assistant missed, in the terminal (appends to data/nlu/review.yml)"

# ---- setup: a second run is a no-op ------------------------------------------------------------
setup: $(STAMP) $(SPACY_MODEL)/meta.json $(WEB_STAMP) $(CHROMIUM)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@scripts/check_python.sh
	@test -x $(PY) || { echo "==> creating $(VENV) with $$(python3 --version)"; python3 -m venv $(VENV); }
	@echo "==> installing pinned dependencies into $(VENV) (first time: a few minutes, ~2.7 GB)"
	$(PY) -m pip install --progress-bar on --disable-pip-version-check "pip==24.0"
	$(PY) -m pip install --progress-bar on --disable-pip-version-check \
	    -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@rm -f $(VENV)/.installed-* && touch $@

$(SPACY_MODEL)/meta.json: scripts/build_spacy_model.py | $(STAMP)
	@echo "==> building the Dutch spaCy pipeline in $(SPACY_MODEL)"
	$(PY) scripts/build_spacy_model.py $(SPACY_MODEL)

# The chat widget (rasa-webchat) and the browser test's driver (playwright-core), at the locked versions.
$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v npm > /dev/null || { echo "npm is missing: apt-get install nodejs npm" >&2; exit 1; }
	@echo "==> installing the chat widget and the browser test driver (npm ci in web/)"
	cd web && npm ci --no-audit --no-fund
	@rm -f web/node_modules/.installed-* && touch $@

# Debian's Chromium for the browser test (Playwright's own browser download does not work here).
$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser test"
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

lock: ## regenerate constraints.txt from a fresh environment
	$(PY) -m pip freeze --exclude-editable | sed '1i # Lock file: every package version of the environment (pip freeze of a clean `make setup`).' > constraints.txt

# ---- model -------------------------------------------------------------------------------------
train: setup
	@echo "==> training (Rasa skips the parts whose data did not change)"
	$(RASA) train --fixed-model-name rugpijn --out models

# ---- serving -----------------------------------------------------------------------------------
run: train
	scripts/run.sh

shell: train
	scripts/run.sh shell

# ---- tests -------------------------------------------------------------------------------------
test: setup lint validate unit train stories heldout integration
	@echo "==> all tests passed"

LINT_PATHS := actions assistant benchmark channels common evaluation gateway insights scripts tests
lint: setup  ## the checks of .pre-commit-config.yaml: format, lint, types (mypy's paths are in pyproject.toml)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/mypy

validate: setup
	$(PY) scripts/validate_data.py

# Tests by the resource they need (markers in pyproject.toml): unit needs none, integration the rest.
unit: setup
	$(PY) -m pytest -m "not (model or services or browser)" -q

stories: train
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL) --out results/stories \
	    --fail-on-prediction-errors --e2e

# The floors of the held-out set, the clinical bank and the field set (tests/{heldout,clinical,field}_floors.yml),
# one model load for all three, by the evaluation core (evaluation/) that make eval uses too. All measured values
# and floors one item below them: .venv/bin/python -m evaluation floors --suggest
heldout: train
	$(PY) -m evaluation floors --model $(MODEL) --out results/heldout

integration: train
	$(PY) -m pytest -m "model or services or browser" -q

# ---- measurement (smoke versions run in make integration: tests/test_eval_smoke.py, tests/test_bench_smoke.py)
eval: train
	$(PY) -m evaluation report --model $(MODEL)

bench: train
	$(PY) -m benchmark --profile

# ---- privacy ----------------------------------------------------------------------------------
RETENTION_DAYS ?= 30
forget-old: setup  ## delete conversation sessions that ended more than RETENTION_DAYS days ago (run daily)
	TRACKER_DB=$${TRACKER_DB:-build/conversations.db} $(PY) scripts/privacy.py --endpoints $${ENDPOINTS:-endpoints.yml} forget-old --days $(RETENTION_DAYS)

# ---- the maintainers' insights (issue 15): the same store and retention as forget-old; options after ARGS=
report: setup  ## insights report: reports/insights/report.html and report.json (served at /insights/ with the token)
	TRACKER_DB=$${TRACKER_DB:-build/conversations.db} RETENTION_DAYS=$(RETENTION_DAYS) $(PY) -m insights report --endpoints $${ENDPOINTS:-endpoints.yml} $(ARGS)

review: setup  ## review inbox in the terminal: appends edited examples to data/nlu/review.yml
	TRACKER_DB=$${TRACKER_DB:-build/conversations.db} RETENTION_DAYS=$(RETENTION_DAYS) $(PY) -m insights review --endpoints $${ENDPOINTS:-endpoints.yml} $(ARGS)

clean:
	rm -rf results build/conversations*.db
