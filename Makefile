# Two commands: `make run` (set up, build the index, start the chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
MEDIQA ?= ../shared/data/mediqa

.PHONY: run test test-fast setup setup-test browser eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The chat needs only the package itself: no Ray, Milvus, Playwright or test tools.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

# The tests also run Milvus Lite, a local Ray, Chromium (Playwright) and LightGBM.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP) $(RUN_STAMP)

setup: $(RUN_STAMP)

setup-test: $(TEST_STAMP)

run: setup
	$(BIN)/python app.py

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "note: /usr/bin/chromium missing; browser tests will be skipped (install Debian's chromium)"; fi; \
	fi

# Every tier: what CI runs (.ci/run).
test: setup-test browser
	$(BIN)/python -m pytest

# The inner loop: no browser, no real model, no Ray or Milvus (under a minute).
test-fast: setup-test
	$(BIN)/python -m pytest -m "not slow"

# The development sets' tables (docs/evaluation.md names the held-out commands).
eval: setup
	$(BIN)/python -m assistant eval --devset bench/devset.json \
	  --redflags bench/redflags_dev.json bench/redflags_dev_b.json \
	  --quotes bench/quotes_dev.json bench/quotes_dev_b.json

bench: setup-test
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) embeddings/*.json embeddings/*-* .pytest_cache
