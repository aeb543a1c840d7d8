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
# openapi-python-client needs typer<0.28 (the project pins 0.29): a venv of its own too.
OPENAPI_VENV := .venv-openapi
OPENAPI_STAMP := $(OPENAPI_VENV)/.installed

SOFTHSM_MODULE ?= /usr/lib/softhsm/libsofthsm2.so
# apt as root directly, through sudo otherwise; never a prompt (CI runs with no stdin).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo "sudo -n")

.PHONY: install softhsm chromium promtool screenshots demo dev docs test test-fast lint security secrets-baseline format contracts contracts-check contracts-test slither image image-local bench soak faults faults-ci clean

install: softhsm chromium $(PY_STAMP) $(NODE_STAMP) $(OPENAPI_STAMP)

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

# onramp with its dev extras, then the Python client (clients/python, docs/client.md), which the
# examples and its tests import.
$(PY_STAMP): pyproject.toml constraints.txt clients/python/pyproject.toml
	@command -v node >/dev/null || { echo "Node.js 20+ is required (for solc and anvil)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-deps -e clients/python
	touch $@

# The standard generator a test runs over the served OpenAPI document (it must generate a
# complete client with no warning: tests/unit/api/test_openapi_client_generation.py).
$(OPENAPI_STAMP): tools/openapi-client-requirements.txt
	test -x $(OPENAPI_VENV)/bin/python || $(PYTHON) -m venv $(OPENAPI_VENV)
	$(OPENAPI_VENV)/bin/python -m pip install --quiet -r tools/openapi-client-requirements.txt
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

# The docs site (mkdocs.yml) from docs/ into site/, offline and --strict: a broken link or
# anchor, or a page left out of the nav, fails it. The reference pages (schema, events, API,
# errors, configuration, checklists) are generated from the code as it builds
# (tools/docs_hooks.py). `onramp dev` serves site/ at http://127.0.0.1:8000/handbook/.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Every test, with line and branch coverage of src/ (the stack's processes included): prints
# the TOTAL, writes build/coverage/index.html, and fails below pyproject's fail_under.
test: install
	$(BIN)/pytest --cov --cov-report=term --cov-report=html --durations=40

lint: install promtool $(SLITHER_STAMP)
	$(BIN)/ruff check src tests bench migrations tools clients examples
	$(BIN)/ruff format --check src tests bench migrations tools clients examples
	$(BIN)/mypy
	$(BIN)/mypy --strict tools/*.py
	MYPYPATH=examples:tools $(BIN)/mypy --strict examples/*.py
	$(BIN)/python tools/check_code_shape.py
	$(BIN)/python tools/surface_codemod.py --check
	$(BIN)/lint-imports
	promtool check rules deploy/prometheus/rules.yml
	promtool test rules deploy/prometheus/rules.test.yml
	promtool check config deploy/prometheus/prometheus.yml
	$(BIN)/hadolint deploy/Dockerfile
	$(BIN)/python tools/check_k8s.py
	node contracts/build.mjs --check
	npx --no-install solhint --disc --noPoster --max-warnings 0 'contracts/src/**/*.sol'
	$(MAKE) --no-print-directory slither

format: install
	$(BIN)/ruff check --fix src tests bench migrations tools clients examples
	$(BIN)/ruff format src tests bench migrations tools clients examples

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

# Supply chain and static checks (tools/security_check.py, docs/security.md): bandit over src/,
# the secrets scan against .secrets.baseline, pip-audit and npm audit where their advisory
# sources answer (a SKIP line says why where not), the dependencies' licences.
security: install
	$(BIN)/python tools/security_check.py

# Record the secrets scan's findings as reviewed (after checking each new one is no secret).
secrets-baseline: install
	$(BIN)/python tools/security_check.py --write-baseline

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

# The stack under open load for SOAK_SECONDS with random worker restarts and one PostgreSQL
# restart; ends with `success: P%, p99 ms: X, invariant violations: V` (bench/soak.py).
SOAK_SECONDS ?= 600
soak: install
	$(BIN)/python bench/soak.py --seconds $(SOAK_SECONDS)

# The fault simulator (tests/faults, docs/operations.md): runs of orders through a stack of its
# own while random money-path workers die with SIGKILL at random crash points and the bank
# sandbox's webhooks come twice, late and out of order; the money checker after each run. Ends with "crash points: N, runs: R, invariant violations: V" (exit 1 if V > 0).
# The defaults cover >= 1,000 crash points (docs/operations.md: how long); SEED and RUNS replay a failure.
SEED ?= 1
RUNS ?= 220
faults: install
	$(BIN)/python -m tests.faults --seed $(SEED) --runs $(RUNS)

# Its bounded form, for CI (.ci/run): a run of the default seed, and the broken build caught.
# (The chain's and the vendors' fault tests, tests/faults/chain and vendors, run with the suite.)
faults-ci: install
	ONRAMP_FAULTS=1 $(BIN)/pytest tests/faults --ignore=tests/faults/chain \
		--ignore=tests/faults/vendors -q -s -p no:cacheprovider

clean:
	rm -rf site .onramp .pytest_cache .mypy_cache .ruff_cache .forge build .coverage .coverage.*
