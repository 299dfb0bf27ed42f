# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: install demo test lint format bench clean

# uv comes from PyPI into its own small environment when the machine has none.
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python 3.11
	@touch $@

install: .venv/.synced

demo: install
	.venv/bin/omnicanal demo

test: install
	.venv/bin/pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf .venv .tools data test-artifacts .pytest_cache
