# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= data/launchwatch.duckdb
DEMO_REPORT ?= data/report.html
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned in pyproject.toml to the CPU wheel this machine has on disk.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

EVENTS := warehouse/events_data

demo: $(VENV)/.installed
	$(BIN)/launchwatch --db $(DEMO_DB) run --replay extractors/demo_data --since 2025-04-03 --until 2025-04-14
	$(BIN)/launchwatch --db $(DEMO_DB) events import timeline $(EVENTS)/llama4_april2025_event_timeline.csv
	$(BIN)/launchwatch --db $(DEMO_DB) events import aider $(EVENTS)/aider
	$(BIN)/launchwatch --db $(DEMO_DB) events import lmarena $(EVENTS)/lmarena/fboulnois_lmsys_text_leaderboard_history_2025-03_2025-05.csv
	$(BIN)/launchwatch --db $(DEMO_DB) events import arena-catalog $(EVENTS)/arena_catalog/arena_catalog_full_text_ratings_history_2025-03_2025-05.csv
	$(BIN)/launchwatch --db $(DEMO_DB) events import livebench $(EVENTS)/livebench/livebench_model_added_dates_2025-03_2025-05.csv
	$(BIN)/launchwatch --db $(DEMO_DB) events import epoch $(EVENTS)/epoch_ai/benchmarks_runs.csv
	$(BIN)/launchwatch --db $(DEMO_DB) report llama-4 --out $(DEMO_REPORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data build *.egg-info
