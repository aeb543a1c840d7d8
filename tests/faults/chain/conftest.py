"""Chain fault tests: the stack's payouts and confirmations workers talk to the node through a
fault-injecting proxy (proxy.py) for the test, and directly again afterwards. Each test ends
with the money checker (``onramp check``) over the orders and payout events it made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from onramp.devstack.stack import Stack
from tests.e2e.conftest import bank, customer  # noqa: F401 - the e2e fixtures, shared
from tests.faults.chain.proxy import ChainProxy

CHAIN_WORKERS = ("payouts", "confirmations")
# Quick sweeps: a dropped or stuck transaction is looked at again within seconds, not minutes.
WORKER_ENV = {
    "ONRAMP_CHAIN__REBROADCAST_AFTER_SECONDS": "5",
    "ONRAMP_CHAIN__REPLACE_AFTER_SECONDS": "2",
}


@pytest.fixture
def proxy(stack: Stack) -> Iterator[ChainProxy]:
    """The proxy, with the chain workers pointed at it (unsupervised: a worker that dies of a
    fault stays dead, and the test sees it)."""
    with ChainProxy(stack.anvil.url) as chain_proxy:
        for name in CHAIN_WORKERS:
            stack.spawn_worker(name, WORKER_ENV | {"ONRAMP_CHAIN__RPC_URL": chain_proxy.url})
        try:
            yield chain_proxy
        finally:
            for name in CHAIN_WORKERS:
                stack.apps[f"worker-{name}"].stop()
                stack.spawn_worker(name)


def chain_workers_alive(stack: Stack) -> bool:
    return all(stack.apps[f"worker-{name}"].alive() for name in CHAIN_WORKERS)


@pytest.fixture(autouse=True)
def _money_checked(money_checked: None) -> None:
    """After the test: the money checker (tests/conftest.py's ``money_checked``: the test is held
    to the invariants that held before it, on orders, deposits and payout events since)."""
