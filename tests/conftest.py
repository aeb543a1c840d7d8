"""Shared fixtures: one embedded stack per test session (fresh database, NATS and chain).

``infra`` starts PostgreSQL (migrated), NATS and anvil with the contracts deployed, exactly as
``onramp dev`` does; ``stack`` adds the bank sandbox, the API and every worker as processes.
Integration tests commit real units of work; after each one the trial balance must be zero.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.core import tracing
from onramp.core.clock import utcnow
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.keys import install_keyring
from onramp.devstack.stack import Stack, start_applications, start_infrastructure
from onramp.ledger import trial_balance_of_database
from onramp.runtime.checks import InvariantResult, Scope, chain_watch, check_stack


@pytest.fixture(scope="session")
def infra() -> Iterator[Stack]:
    # Not pytest's tmp_path: as root, PostgreSQL runs as its own user and must traverse every
    # parent directory, and pytest makes its base directory private.
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-test-"))
    # Tests fail payouts on purpose, many within minutes: the stack's circuit breaker must not
    # take them for a spike and stop every later test's payouts (its trigger has its own tests).
    os.environ.setdefault("ONRAMP_TREASURY_RISK__FAILURE_SPIKE_COUNT", "1000")
    stack = start_infrastructure(state_dir)
    # Tests read and write sealed personal data in this process too (ORM sessions, in-process
    # apps without a lifespan): they use the stack's data keys.
    install_keyring(stack.keyring)
    try:
        yield stack
    finally:
        stack.stop()
        if not os.environ.get("ONRAMP_KEEP_TEST_STATE"):  # set it to read the workers' logs
            shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def stack(infra: Stack) -> Stack:
    """The whole system running as processes (started once, on first use), supervised as
    under ``onramp dev``: a worker a test kills comes back; one it stops stays stopped."""
    if not infra.apps:
        start_applications(infra)
    return infra


@pytest.fixture(scope="session")
async def engine(infra: Stack) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(infra.settings.database.url, pool_size=5, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


def _without_worker(infra: Stack, name: str) -> Iterator[None]:
    running = infra.apps.get(f"worker-{name}")
    if running is not None and running.alive():
        running.stop()
    yield
    if running is not None:
        infra.spawn_worker(name)


@pytest.fixture
def no_payout_worker(infra: Stack) -> Iterator[None]:
    """Stops the stack's payouts worker for the test (and starts it again after): it would take
    the test's queued payouts, or hold their rows locked while the test's own sender looks."""
    yield from _without_worker(infra, "payouts")


@pytest.fixture
def no_withdrawals_worker(infra: Stack) -> Iterator[None]:
    """The same for the withdrawals worker and the test's requested withdrawals."""
    yield from _without_worker(infra, "withdrawals")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """This process's spans, recorded in memory for the test (tracing is off otherwise)."""
    exporter = InMemorySpanExporter()
    tracing.install(SimpleSpanProcessor(exporter), service="onramp-test")
    yield exporter
    tracing.uninstall()


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A unit of work that is committed when the test passes."""
    async with unit_of_work(sessions) as s:
        yield s


@pytest.fixture(autouse=True)
def _trial_balance_stays_zero(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every integration test the books balance: zero per currency, no drift."""
    if "infra" not in request.fixturenames:
        yield
        return
    infra: Stack = request.getfixturevalue("infra")
    yield
    # Its own loop in its own thread: the test's loop may still be running.
    with ThreadPoolExecutor(1) as pool:
        tb = pool.submit(
            asyncio.run, trial_balance_of_database(infra.settings.database.url)
        ).result()
    assert tb.balanced, f"trial balance off after {request.node.nodeid}: {tb}"


# Orders and deposits a money test leaves moving are in flight, not stuck (the test may end
# right after its payout was broadcast): only what has not moved for this long is stuck.
MONEY_CHECK_GRACE = timedelta(seconds=120)


@pytest.fixture
def money_checked(stack: Stack) -> Iterator[None]:
    """After a test that moves money, the money checker (runtime/checks): the books, the
    treasury against the chain and the audit chain whole, and the orders, deposits and payout
    events of the test itself (a query per invariant, a log read and a balance read per wallet).
    Used by the money tests (``pytestmark``)."""
    watch = chain_watch(stack.settings)
    assert watch is not None
    since = utcnow()
    # The first block the test can mine (anvil mines a block per transaction, none idle).
    from_block = Web3(Web3.HTTPProvider(stack.anvil.url)).eth.block_number + 1

    def check() -> list[InvariantResult]:
        scope = Scope(now=utcnow(), grace=MONEY_CHECK_GRACE, since=since, from_block=from_block)
        with ThreadPoolExecutor(1) as pool:  # its own loop: the test's may still be running
            return pool.submit(asyncio.run, check_stack(stack.settings, scope=scope)).result()

    # The books, the treasury and the audit chain are checked whole, and on the shared stack an
    # earlier test may have left one broken on purpose (a made-up payout, a tampered balance):
    # the test is held to what held before it.
    before = {r.name for r in check() if not r.holds}
    yield
    broken = [r.line() for r in check() if not r.holds and r.name not in before]
    assert not broken, "money invariants broken:\n" + "\n".join(broken)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "infra" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


os.environ.setdefault("ONRAMP_LOG_LEVEL", "WARNING")
# The shared stack serves hundreds of requests a second from one address; the limits themselves
# are tested on apps of their own (tests/e2e/test_rate_limits.py).
os.environ.setdefault("ONRAMP_RATE_LIMITS__ENABLED", "false")
