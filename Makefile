# Two commands for a new user: `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
MONTH ?=
DATA ?=
REPORT_ARGS := $(if $(MONTH),--month $(MONTH)) $(if $(DATA),--data $(DATA))

.PHONY: setup report editions test bench lab clean

setup: $(STAMP)

# Rebuilt only when .venv is missing or requirements.txt changed.
$(STAMP): requirements.txt
	@echo "==> Setting up $(VENV) from requirements.txt (the first run takes a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt 2> >(grep -v "^WARNING: Location 'file:" >&2)
	@$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'magnet_briefing.pth').write_text('$(CURDIR)\n')"
	@touch $(STAMP)

report: $(STAMP)
	@$(PY) -m magnet_briefing report $(REPORT_ARGS)

editions: $(STAMP)
	@$(PY) -m magnet_briefing editions $(if $(DATA),--data $(DATA))

test: $(STAMP)
	@$(PY) -m pytest -q

bench: $(STAMP)
	@$(PY) -m bench

lab: $(STAMP)
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf reports/*/ reports/index.html
