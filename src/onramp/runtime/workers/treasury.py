"""The treasury's workers: the rounds of proposals, gas top-ups and approved issuer operations,
and the risk monitor."""

from __future__ import annotations

import asyncio
import functools

from onramp.chain import ChainClient
from onramp.core.clock import SystemClock
from onramp.runtime.issuer import issuer_flow
from onramp.runtime.workers.registry import Resources, Worker
from onramp.treasury import (
    ProposalExecutor,
    executor_signer,
    run_risk_monitor,
    run_treasury,
    treasury_round,
)
from onramp.treasury import configured_risk_monitor as risk_monitor


async def _run_rounds(resources: Resources) -> None:
    settings, sessions = resources.settings, resources.sessions
    chain = settings.chain
    client = ChainClient(chain.rpc_url)
    executor = ProposalExecutor(
        sessions=sessions,
        client=client,
        signer=await asyncio.to_thread(executor_signer, settings.treasury, settings.hsm),
        chain_id=chain.chain_id,
        confirmations=chain.confirmations,
    )
    await run_treasury(
        functools.partial(
            treasury_round,
            sessions,
            client,
            executor,
            usdc=chain.usdc_address,
            chain_id=chain.chain_id,
            issuer=issuer_flow(settings, sessions) if settings.issuer.api_url else None,
        ),
        executor,
        stop=resources.stop,
        interval=settings.treasury.check_interval_seconds,
    )


async def _watch_risk(resources: Resources) -> None:
    settings = resources.settings
    monitor = await asyncio.to_thread(risk_monitor, settings, resources.sessions, SystemClock())
    await run_risk_monitor(
        monitor, stop=resources.stop, interval=settings.treasury_risk.check_interval_seconds
    )


treasury = Worker("treasury", _run_rounds, uses_chain=True, uses_hsm=True)
risk = Worker("risk", _watch_risk, uses_chain=True, uses_hsm=True)
