# Two commands: `make run` (set up, build the index, start the chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/python app.py

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "note: /usr/bin/chromium missing; browser tests will be skipped (install Debian's chromium)"; fi; \
	fi

test: setup browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) embeddings/*.json embeddings/*-* .pytest_cache
