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

run: setup ui
	$(BIN)/mini-reasoner serve

# The small model the front-end tests use trains first (a few minutes, alone on the cores, so no
# test waits on it). The default model then trains in the background (log: .venv/train.log)
# while the tests that do not need it run beside it, the web UI's included; then the tests of
# the trained model (-m slow). Both are cached after the first time.
TRAIN_LOG := .venv/train.log

test: setup
	$(BIN)/ruff check .
	$(BIN)/mini-reasoner train --recipe small
	@echo "training the default model in the background (cached after the first time): $(TRAIN_LOG)"
	@$(BIN)/mini-reasoner train > $(TRAIN_LOG) 2>&1 & train=$$!; \
	trap 'kill $$train 2>/dev/null; exit 130' INT TERM; \
	$(BIN)/pytest -m "not slow" && $(MAKE) --no-print-directory ui-test; tests=$$?; \
	echo "waiting for the default model to finish training"; \
	wait $$train; trained=$$?; tail -n 4 $(TRAIN_LOG); \
	[ $$tests -eq 0 ] && [ $$trained -eq 0 ]
	$(BIN)/pytest -m slow

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m bench.training

# The web UI (frontend/): built when Node is present, so the server serves it on its own port.
NODE_OK := $(shell command -v npm >/dev/null 2>&1 && \
	node -e 'process.exit(process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null && echo yes)
UI_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.js -type f 2>/dev/null)

.PHONY: ui ui-test

ifeq ($(NODE_OK),yes)
ui: frontend/dist/index.html

ui-test: frontend/node_modules/.installed
	cd frontend && npm run lint
	cd frontend && npm test
	cd frontend && npm run test:e2e
else
ui ui-test:
	@echo "Node.js 20+ with npm not found: skipping the web UI (the API still runs)."
	@echo "Install Node.js, then 'make ui' builds it (README: Web UI)."
endif

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(UI_SRC)
	cd frontend && npm run build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
