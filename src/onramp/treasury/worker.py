"""``onramp worker treasury``: compare balances with the policies, execute the proposals the
treasurers approved, confirm the executions. One process per gas wallet (its nonces)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import (
    ChainClient,
    ChainRpcError,
    LocalKeySigner,
    NodeUnavailable,
    Pkcs11Signer,
    Signer,
)
from onramp.core.db import unit_of_work
from onramp.core.errors import InvalidInput
from onramp.core.keys import Hsm, HsmUnavailable
from onramp.core.logging import get_logger
from onramp.core.settings import HsmSettings, TreasurySettings
from onramp.treasury.executor import ProposalExecutor
from onramp.treasury.gas import top_up_gas
from onramp.treasury.issuer import IssuerFlow
from onramp.treasury.issuer_mints import APPROVED_MINT_PREFIX
from onramp.treasury.liquidity import check_liquidity

log = get_logger(__name__)


class ExecutorKeyNotConfigured(InvalidInput):
    code = "executor_key_not_configured"
    title = "ONRAMP_TREASURY__EXECUTOR_SIGNER=hsm needs ONRAMP_TREASURY__EXECUTOR_KEY_ID"


def executor_signer(treasury: TreasurySettings, hsm: HsmSettings) -> Signer:
    if treasury.executor_signer == "local":
        return LocalKeySigner(treasury.executor_private_key.get_secret_value())
    if not treasury.executor_key_id:
        raise ExecutorKeyNotConfigured("set it to the key id `onramp keys new-payout-key` printed")
    return Pkcs11Signer(Hsm.connect(hsm), treasury.executor_key_id)


async def treasury_round(
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    executor: ProposalExecutor,
    *,
    usdc: str,
    chain_id: int,
    issuer: IssuerFlow | None = None,
) -> int:
    """One pass: confirm, execute, top up gas, advance approved issuer operations, then check
    the policies; returns how much happened. An issuer operation whose call fails waits for the
    next pass on its own (``IssuerFlow.advance_open``); it never stops the pass."""
    # The gas wallet's stored transactions first, every round: executions and top-ups share
    # its nonces, and one unsettled nonce holds up every later one.
    await executor.reconcile()
    done = await executor.confirm()
    done += await executor.cancel_requested()
    done += await executor.execute_ready()
    done += await top_up_gas(sessions, client, executor.transactions.signer, chain_id=chain_id)
    if issuer is not None:
        done += len(await issuer.advance_open(key_prefix=APPROVED_MINT_PREFIX))
    async with unit_of_work(sessions) as session:
        done += len(await check_liquidity(session, client, usdc=usdc, chain_id=chain_id))
    return done


async def run_treasury(
    round_: Callable[[], Awaitable[int]],
    executor: ProposalExecutor,
    *,
    stop: asyncio.Event,
    interval: float,
) -> None:
    log.info("treasury.started", executor=executor.address)
    try:
        await executor.resend_stored()
    except (NodeUnavailable, ChainRpcError) as exc:
        log.warning("treasury.round_failed", error=str(exc))  # each round reconciles again
    while not stop.is_set():
        try:
            done = await round_()
        except (NodeUnavailable, ChainRpcError, HsmUnavailable) as exc:
            log.warning("treasury.round_failed", error=str(exc))
            done = 0
        except Exception:
            log.exception("treasury.round_failed")
            done = 0
        if done == 0:
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
    log.info("treasury.stopped")
