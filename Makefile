# Two commands on a fresh machine:  make run   (start the app)   make test   (run every test)
# Both create .venv and install what they need first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/mini-reasoner ask "what's 347 + 235?"

test: setup
	$(BIN)/ruff check .
	$(BIN)/mini-reasoner train
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m bench.training

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
