"""The whole restore drill, on a stack of the test's own: orders completed, one payout sent to
the chain but not yet marked (its worker SIGKILLed right after the send), one order awaiting its
deposit; the database is backed up sealed; one more order is placed after the backup. Then
everything but the chain, the HSM token and the vendors' sandboxes is destroyed: every onramp
process, PostgreSQL and NATS, their data directories deleted. A new PostgreSQL gets the backup,
a new NATS an empty JetStream, the processes start again on them. The payout in flight
completes without being sent twice, the waiting order is paid and completes, the order placed
after the backup is gone (the RPO of a backup without WAL archiving), and every invariant of the
money checker holds: the trial balance, the audit chain, one payout event per order."""

from __future__ import annotations

import asyncio
import base64
import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from onramp.core.clock import utcnow
from onramp.devstack.nats import start_nats
from onramp.devstack.postgres import start_postgres
from onramp.devstack.stack import Stack, start_stack, wait_ready
from onramp.runtime.backup import create_backup, new_key, restore_backup
from onramp.runtime.checks import Scope, check_stack
from tests.e2e.conftest import Customer, pay, register

pytestmark = pytest.mark.integration

CRASH_AFTER_SEND = {"ONRAMP_CRASH_AT": "payout.after_send"}


def _destroy(stack: Stack) -> None:
    """Every onramp process, PostgreSQL and NATS, and their data: what a lost region leaves."""
    assert stack.supervisor is not None
    stack.supervisor.stop()
    stack.supervisor = None
    for process in stack.apps.values():
        process.kill()
    stack.postgres.stop()
    stack.nats.stop()
    shutil.rmtree(stack.state_dir / "pgdata")
    shutil.rmtree(stack.state_dir / "jetstream")


async def _recover(stack: Stack, backup: Path, key: bytes) -> None:
    """A new PostgreSQL with the backup, a new NATS, and the same processes on them."""
    new_home = stack.state_dir / "recovered"
    postgres = await asyncio.to_thread(start_postgres, new_home)
    nats = await asyncio.to_thread(start_nats, new_home)
    await restore_backup(backup, key, postgres.url())
    stack.postgres, stack.nats = postgres, nats
    stack.settings = stack.settings.model_copy(
        update={
            "database": stack.settings.database.model_copy(update={"url": postgres.url()}),
            "nats": stack.settings.nats.model_copy(update={"url": nats.url}),
        }
    )
    for name, process in list(stack.apps.items()):
        assert process.respawn is not None  # the stack's own environment: the new URLs
        again = process.respawn()  # the payouts worker without its crash point, too
        again.supervised = True
        stack.replace(name, again)
    stack.supervise()
    await asyncio.to_thread(wait_ready, stack.api_url, stack)


async def _order(customer: Customer, amount: str) -> dict[str, Any]:
    return await customer.order(await customer.quote(amount))


async def _until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def test_a_region_lost_mid_payout_is_restored_and_pays_each_order_once(
    state_dir: Path, record_property: Callable[[str, object], None]
) -> None:
    stack = await asyncio.to_thread(start_stack, state_dir)
    try:
        assert stack.bank is not None
        key = base64.b64decode(new_key())
        async with (
            httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client,
            httpx.AsyncClient(base_url=stack.bank.url, timeout=10.0) as bank,
        ):
            customer = await register(client, stack)
            done = await _order(customer, "31.00")
            await pay(bank, done)
            await customer.wait_for(done["id"], "completed")

            # In flight: the payouts worker dies right after sending, before marking it sent.
            payouts = stack.spawn_worker("payouts", CRASH_AFTER_SEND, supervised=False)
            in_flight = await _order(customer, "32.00")
            await pay(bank, in_flight)
            await _until(lambda: not payouts.alive())
            sent = await customer.get_order(in_flight["id"])
            assert sent["state"] != "completed"  # on the chain, not yet in the books
            waiting = await _order(customer, "33.00")

            backup = state_dir / "onramp.backup"
            await create_backup(stack.settings.database.url, key, backup)
            lost = await _order(customer, "34.00")  # after the backup: the RPO

            started = time.monotonic()
            await asyncio.to_thread(_destroy, stack)
            await _recover(stack, backup, key)
            rto = time.monotonic() - started

            await customer.wait_for(in_flight["id"], "completed", timeout=120.0)
            await pay(bank, waiting)
            await customer.wait_for(waiting["id"], "completed", timeout=120.0)
            gone = await client.get(f"/v1/orders/{lost['id']}")
            assert gone.status_code == 404
        found = await check_stack(stack.settings, scope=Scope(now=utcnow(), grace=timedelta(0)))
        assert [r.line() for r in found if not r.holds] == []
        # The drill's figures, in the JUnit report (and `pytest -rA`): destroyed to serving.
        record_property("rto_seconds", round(rto, 1))
        record_property("rpo_orders_lost", 1)
    finally:
        await asyncio.to_thread(stack.stop)
