"""One issuer operation whose calls fail (the sandbox's fault injection, ``PUT /_faults``) holds
up nothing else in the treasury worker's round: the others go on, the failing one waits, is
never failed for it, and finishes in a later round once the issuer answers; each mints once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.treasury.issuer import IssuerFlow, get_operation
from tests.integration.treasury.test_issuer_on_anvil import (
    Sandmint,
    flow,
    mint,
    sandmint,
    vault_usdc,
)

pytestmark = pytest.mark.integration
__all__ = ["sandmint"]

# A transfer's status, asked for by its id: only an operation already minting calls it.
TRANSFER_STATUS = "/v1/businessAccount/transfers/*"


@pytest.fixture
async def faults(sandmint: Sandmint) -> AsyncIterator[httpx.AsyncClient]:
    """The issuer sandbox's ``/_faults``, all off again after the test."""
    async with httpx.AsyncClient(base_url=sandmint.sandbox.url, timeout=10.0) as client:
        yield client
        await client.delete("/_faults")


async def _statuses(
    sessions: async_sessionmaker[AsyncSession], *operation_ids: uuid.UUID
) -> list[str]:
    async with unit_of_work(sessions) as session:
        return [(await get_operation(session, o)).status for o in operation_ids]


async def _rounds_until(
    round_flow: IssuerFlow,
    sessions: async_sessionmaker[AsyncSession],
    prefix: str,
    operations: tuple[uuid.UUID, uuid.UUID],
    wanted: list[str],
) -> None:
    """Run the worker's issuer step round after round (never raising) until ``wanted``."""
    deadline = time.monotonic() + 90
    while (statuses := await _statuses(sessions, *operations)) != wanted:
        assert "failed" not in statuses, statuses
        assert time.monotonic() < deadline, statuses
        await round_flow.advance_open(key_prefix=prefix)
        await asyncio.sleep(0.2)


async def test_an_operation_whose_issuer_calls_fail_delays_only_itself(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    sandmint: Sandmint,
    faults: httpx.AsyncClient,
) -> None:
    prefix = f"test-round-{uuid.uuid4().hex}-"
    before = vault_usdc(infra)
    # The older first: a round that stopped at its failure would never reach the younger.
    stuck = await mint(sessions, infra, Money.parse("11.00", "USDC"), f"{prefix}older")
    other = await mint(sessions, infra, Money.parse("12.00", "USDC"), f"{prefix}younger")
    switched: dict[str, Any] = (
        await faults.put("/_faults", json={"error_rate": 1.0, "paths": [TRANSFER_STATUS]})
    ).json()
    assert switched["settings"]["error_rate"] == 1.0
    round_flow = flow(infra, sessions, sandmint.issuer)

    # Both get as far as the issuer lets them: every round the older one's status call fails
    # (500/503), and the younger one is still moved on behind it.
    await _rounds_until(
        round_flow, sessions, prefix, (stuck, other), ["transfer_pending", "transfer_pending"]
    )
    await round_flow.advance_open(key_prefix=prefix)  # a round with both failing: no raise
    done = (await faults.get("/_faults")).json()["done"]
    assert done["errors"] >= 2, done
    assert await _statuses(sessions, stuck, other) == ["transfer_pending", "transfer_pending"]

    await faults.delete("/_faults")
    await _rounds_until(round_flow, sessions, prefix, (stuck, other), ["completed", "completed"])
    assert vault_usdc(infra) - before == Money.parse("23.00", "USDC")
