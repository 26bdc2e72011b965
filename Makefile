# Two commands for a new user: `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

# A variable's value as one shell word, whatever it holds: single-quoted, each ' written as '\'',
# line breaks as spaces. The variable is named, not passed, and read with $(value ...), so make
# never expands what it holds.
define newline


endef
shell_word = '$(subst ','\'',$(subst $(newline), ,$(value $(1))))'
# MONTH, DATA, REPORTS and FORCE count only on make's command line: a DATA or MONTH that happens to
# be in the environment must not change which edition is built.
given = $(and $(filter command line,$(origin $(1))),$(value $(1)))
FOLDER_ARGS := $(if $(call given,DATA),--data $(call shell_word,DATA)) $(if $(call given,REPORTS),--reports $(call shell_word,REPORTS))
REPORT_ARGS := $(if $(call given,MONTH),--month $(call shell_word,MONTH)) $(FOLDER_ARGS)
FORCE_WORDS := 1 yes true
NO_FORCE_WORDS := 0 no false
ifneq ($(filter command line,$(origin FORCE)),)
ifeq ($(filter $(FORCE_WORDS) $(NO_FORCE_WORDS),$(value FORCE)),)
$(error FORCE: use FORCE=1 to rebuild every edition (or FORCE=0))
endif
endif
FORCE_ARG := $(if $(and $(call given,FORCE),$(filter $(FORCE_WORDS),$(value FORCE))),--force)
DATA_ARG := $(if $(call given,DATA),--data $(call shell_word,DATA))
INGEST_ARGS := --published $(call shell_word,PUBLISHED) $(if $(call given,PUBLISHER),--publisher $(call shell_word,PUBLISHER)) \
	$(if $(call given,TITLE),--title $(call shell_word,TITLE)) $(if $(call given,URL),--url $(call shell_word,URL))
ifneq ($(filter ingest,$(MAKECMDGOALS)),)
ifeq ($(and $(call given,ARTICLE),$(call given,PUBLISHED)),)
$(error make ingest needs ARTICLE=path/to/article.txt and PUBLISHED=YYYY-MM-DD (PUBLISHER=, TITLE=, URL= optional))
endif
endif
ifneq ($(filter accept,$(MAKECMDGOALS)),)
ifeq ($(call given,PROPOSAL),)
$(error make accept needs PROPOSAL=data/proposed/<source_id>.csv)
endif
endif
unexport MONTH DATA REPORTS FORCE ARTICLE PUBLISHED PUBLISHER TITLE URL PROPOSAL

.PHONY: help setup report editions ingest accept test check lint bench lab clean

help:
	@echo "make report    set up .venv (first run only) and build the default edition into reports/<YYYY-MM>/"
	@echo "               MONTH=YYYY-MM another month; DATA=folder another ledger; REPORTS=folder another output folder"
	@echo "make editions  every month from control_start to the latest, each as of its day, rebuilding only those"
	@echo "               whose claims, parameters or code changed (FORCE=1: all; DATA=, REPORTS= as above)"
	@echo "make ingest    ARTICLE=article.txt PUBLISHED=YYYY-MM-DD [PUBLISHER=... TITLE=... URL=...]: propose the"
	@echo "               article's figures as claims, checked against the ledger, in data/proposed/ (ledger untouched)"
	@echo "make accept    PROPOSAL=data/proposed/<source_id>.csv: add the rows you kept, and the source, to the ledger"
	@echo "make test      ruff and every test (about a minute and a half)"
	@echo "make check     ruff and the quick tests, which start no kernel (about 10 s)"
	@echo "make bench     the engine's scale and the publishing speed benchmarks"
	@echo "make lab       JupyterLab on notebooks/, in the project's environment"
	@echo "make clean     remove the built editions and the index"

setup: $(STAMP)

# Rebuilt only when .venv is missing or requirements.txt or pyproject.toml changed.
$(STAMP): requirements.txt pyproject.toml
	@echo "==> Setting up $(VENV) from requirements.txt (the first run takes a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@set -o pipefail; $(PY) -m pip install --disable-pip-version-check -r requirements.txt \
		2> >(grep -v "^WARNING: Location 'file:" >&2) | grep --line-buffered -E "^(Collecting|Successfully installed)" \
		| sed -u -e "s/^Collecting /    collecting /" -e "s/^Successfully installed .*/    installed/"
	@rm -f $(VENV)/lib/python*/site-packages/magnet_briefing.pth
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e .
	@touch $(STAMP)

report: $(STAMP)
	@$(PY) -m magnet_briefing report $(REPORT_ARGS)

editions: $(STAMP)
	@$(PY) -m magnet_briefing editions $(FOLDER_ARGS) $(FORCE_ARG)

ingest: $(STAMP)
	@$(PY) -m magnet_briefing ingest $(INGEST_ARGS) $(DATA_ARG) -- $(call shell_word,ARTICLE)

accept: $(STAMP)
	@$(PY) -m magnet_briefing accept $(DATA_ARG) -- $(call shell_word,PROPOSAL)

lint: $(STAMP)
	@$(VENV)/bin/ruff check --quiet .

# Everything: lint, then every test, the slow ones (which start kernels and build editions) too.
test: lint
	@$(PY) -m pytest -q

# The quick loop while working: lint and the tests that start no kernel.
check: lint
	@$(PY) -m pytest -q -m "not slow"

bench: $(STAMP)
	@$(PY) -m bench

lab: $(STAMP)
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf reports/*/ reports/index.html
