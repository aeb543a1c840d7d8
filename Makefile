# onramp: `make demo` runs the money path end to end; `make test` runs every test.
# Both install what they need first (idempotent: a second run installs nothing).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# slither needs web3<8 (the project pins web3 8), so it lives in a venv of its own.
SLITHER_VENV := .venv-slither
SLITHER_STAMP := $(SLITHER_VENV)/.installed

SOFTHSM_MODULE ?= /usr/lib/softhsm/libsofthsm2.so
# apt as root directly, through sudo otherwise; never a prompt (CI runs with no stdin).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo "sudo -n")

.PHONY: install softhsm chromium promtool screenshots demo dev test test-fast lint format contracts contracts-check contracts-test slither image image-local bench clean

install: softhsm chromium $(PY_STAMP) $(NODE_STAMP)

# SoftHSM2 holds the key-encryption keys in the dev stack and the tests (a Debian package).
softhsm:
	@if command -v softhsm2-util >/dev/null && [ -e $(SOFTHSM_MODULE) ]; then exit 0; fi; \
	command -v apt-get >/dev/null || { echo "install SoftHSM2 (softhsm2-util and $(SOFTHSM_MODULE))"; exit 1; }; \
	echo "installing SoftHSM2 (apt-get install softhsm2)"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 </dev/null \
	|| { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
	&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 </dev/null; }

# Debian's Chromium runs the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@if command -v chromium >/dev/null; then exit 0; fi; \
	command -v apt-get >/dev/null || { echo "install Chromium (a chromium on PATH)"; exit 1; }; \
	echo "installing Chromium (apt-get install chromium)"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium </dev/null \
	|| { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
	&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium </dev/null; }

# Debian's prometheus package provides promtool, which checks deploy/prometheus/ in `make lint`.
promtool:
	@if command -v promtool >/dev/null; then exit 0; fi; \
	command -v apt-get >/dev/null || { echo "install promtool (Debian package prometheus)"; exit 1; }; \
	echo "installing promtool (apt-get install prometheus)"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus </dev/null \
	|| { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
	&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus </dev/null; }

$(PY_STAMP): pyproject.toml constraints.txt
	@command -v node >/dev/null || { echo "Node.js 20+ is required (for solc and anvil)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# npm ci, then the web UI's assets: copied from node_modules into src/onramp/web/static/ with
# content-hashed names and a manifest (tools/web_assets.mjs; the copies are not committed).
$(NODE_STAMP): package.json package-lock.json tools/web_assets.mjs $(wildcard src/onramp/web/assets/*)
	npm ci --no-audit --no-fund --loglevel=error
	node tools/web_assets.mjs
	touch $@

demo: install
	$(BIN)/onramp demo

dev: install
	$(BIN)/onramp dev

# Every test, with line and branch coverage of src/ (the stack's processes included): prints
# the TOTAL, writes build/coverage/index.html, and fails below pyproject's fail_under.
test: install
	$(BIN)/pytest --cov --cov-report=term --cov-report=html --durations=40

lint: install promtool $(SLITHER_STAMP)
	$(BIN)/ruff check src tests bench migrations tools
	$(BIN)/ruff format --check src tests bench migrations tools
	$(BIN)/mypy
	$(BIN)/mypy --strict tools/*.py
	$(BIN)/python tools/check_code_shape.py
	$(BIN)/python tools/surface_codemod.py --check
	$(BIN)/lint-imports
	promtool check rules deploy/prometheus/rules.yml
	promtool check config deploy/prometheus/prometheus.yml
	$(BIN)/hadolint deploy/Dockerfile
	$(BIN)/python tools/check_k8s.py
	node contracts/build.mjs --check
	npx --no-install solhint --disc --noPoster --max-warnings 0 'contracts/src/**/*.sol'
	$(MAKE) --no-print-directory slither

format: install
	$(BIN)/ruff check --fix src tests bench migrations tools
	$(BIN)/ruff format src tests bench migrations tools

contracts: $(NODE_STAMP)
	node contracts/build.mjs

# The Solidity unit, fuzz and invariant tests (contracts/test) under forge, compiled with solc-js
# through contracts/solc-wrapper.js (foundry.toml); `make test` runs them too.
contracts-test: $(NODE_STAMP)
	npx --no-install forge test --offline

$(SLITHER_STAMP): contracts/slither-requirements.txt
	test -x $(SLITHER_VENV)/bin/python || $(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/python -m pip install --quiet -r contracts/slither-requirements.txt
	touch $@

# Static analysis of contracts/src (slither.config.json: through forge, low and above fail).
slither: $(NODE_STAMP) $(SLITHER_STAMP)
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" $(SLITHER_VENV)/bin/slither .

# Screenshots of the web UI's pages into docs/screenshots/ (committed; the README shows two).
screenshots: install
	ONRAMP_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser -q

# The container image (docs/deploy.md). `image-local` first builds the two bases out of
# Debian's packages, for a machine that reaches no container registry (the CI machine).
image:
	podman build --format docker -f deploy/Dockerfile -t onramp:dev .

image-local:
	tools/local_image_bases.sh
	podman build --format docker --isolation=chroot --network=host -f deploy/Dockerfile \
	  --build-arg PYTHON_IMAGE=localhost/onramp-python:3.11 \
	  --build-arg NODE_IMAGE=localhost/onramp-node:bookworm -t onramp:dev .

bench: install
	$(BIN)/python bench/e2e.py

clean:
	rm -rf .onramp .pytest_cache .mypy_cache .ruff_cache .forge build .coverage .coverage.*
