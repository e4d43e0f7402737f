# One entry point for every task. `make run` and `make test` work on a machine that has never
# seen the project: both create .venv and install citebot into it first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck pytest chat validate eval frontier bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)  ## run the bot (offline chat when no DISCORD_TOKEN and a terminal)
	$(BIN)/python -m bot run

test: lint typecheck pytest  ## everything CI runs

lint: $(STAMP)
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

chat: $(STAMP)
	$(BIN)/python -m bot chat

validate: $(STAMP)
	$(BIN)/python -m bot validate

eval: $(STAMP)
	$(BIN)/python -m tests.eval.evaluate

frontier: $(STAMP)  ## how far any rule over the matcher's signals can go (tests/eval/frontier.py)
	$(BIN)/python -c 'import sklearn' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,analysis]'
	$(BIN)/python -m tests.eval.frontier

bench: $(STAMP)
	$(BIN)/python -m tests.bench.benchmark

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
