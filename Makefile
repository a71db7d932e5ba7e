# agency-records: `make demo` installs everything and runs the offline demo end to end;
# `make test` runs the test suite. Both work on a fresh Debian machine with Python 3.11.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Debian packages: OCR for scanned records-request responses, a browser for the UI test.
DEBIAN_PACKAGES := ocrmypdf tesseract-ocr tesseract-ocr-eng chromium chromium-driver nginx

.PHONY: demo test install speedups system-deps lint bench clean

demo: install system-deps
	$(BIN)/records demo

test: install system-deps
	$(BIN)/pytest -n 2 --dist loadfile

install: $(VENV)/.installed speedups

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,cluster,speed]'
	touch $@

# The parsers' hot modules compiled by Cython (records/core/speedups.py); only what is
# missing or changed is rebuilt. Without a C compiler it says so and the parsers run as Python.
speedups: $(VENV)/.installed
	$(BIN)/python -m records.core.speedups build

# Installs the Debian packages that are missing (needs root or sudo; skipped when present).
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  for attempt in 1 2 3; do \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	      $$missing && break; \
	    [ $$attempt = 3 ] && exit 1; echo "apt-get failed; retrying in 15 s"; sleep 15; \
	  done; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict parsers db

bench: install
	$(BIN)/python bench/bench_generic.py
	$(BIN)/python bench/bench_templates.py
	$(BIN)/python bench/bench_pipeline.py

clean:
	rm -rf $(VENV) data/demo .compiled
