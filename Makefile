PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_TEST := $(VENV)/.installed-test
OUT ?= out

.PHONY: demo test lint bench catalogues clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# the overview's browser test drives Debian's chromium, and the calendar tests check
	@# every file with libical (Debian's libical3); where one cannot be had its tests are
	@# skipped, and fail under CI=true (tests/missing.py)
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "No Chromium: tests/publish/test_overview_browser.py will be skipped (fail under CI=true)"
	@ldconfig -p 2>/dev/null | grep -q 'libical\.so\.3' || [ "$$(id -u)" != 0 ] \
		|| ! command -v apt-get >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libical3) \
		|| echo "No libical: tests/publish/test_libical.py will be skipped (fail under CI=true)"
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/backstage-sched plan examples/mixed-2027/program.toml examples/mixed-2027/participants.csv --out $(OUT)/mixed-2027
	$(BIN)/backstage-sched check $(OUT)/mixed-2027
	$(BIN)/backstage-sched plan examples/company-2027/program.toml --out $(OUT)/company-2027
	$(BIN)/backstage-sched check $(OUT)/company-2027
	$(BIN)/backstage-sched plan examples/orebro-2027/program.toml examples/orebro-2027/participants.xlsx --out $(OUT)/orebro-2027
	$(BIN)/backstage-sched check $(OUT)/orebro-2027
	@echo "Open $(OUT)/mixed-2027/overview.html; calendars are in $(OUT)/mixed-2027/people/ and cohorts/."

test: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/python -m mypy

catalogues: $(STAMP)
	for po in src/backstage_sched/locale/*/LC_MESSAGES/*.po; do \
		$(BIN)/pybabel compile --statistics -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache
