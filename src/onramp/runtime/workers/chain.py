"""The chain's workers: customers' payouts, their confirmations, and withdrawals from
customers' own wallets."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from onramp.chain import (
    ChainClient,
    ConfirmationWatcher,
    FeePolicy,
    WithdrawalSender,
    custody_signer,
    payout_signer,
    run_confirmations,
    run_payout_sender,
    run_withdrawals,
    sender_from,
)
from onramp.compliance import PayoutScreen, WithdrawalScreen
from onramp.runtime.workers.compliance import list_freshness, list_matchers
from onramp.runtime.workers.registry import Resources, Worker
from onramp.treasury import RiskGate, RiskLimits


async def _pay_out(resources: Resources) -> None:
    settings, sessions = resources.settings, resources.sessions
    chain = settings.chain
    sender = sender_from(
        sessions=sessions,
        client=ChainClient(chain.rpc_url),
        signer=await asyncio.to_thread(payout_signer, chain, settings.hsm),
        vault=chain.vault_address,
        chain_id=chain.chain_id,
        batch_size=chain.payout_batch_size,
        destination_check=PayoutScreen(sessions, list_matchers(settings), list_freshness(settings)),
        fees=FeePolicy(
            bump_percent=chain.fee_bump_percent,
            max_fee_per_gas=chain.max_fee_per_gas_gwei * 10**9,
        ),
        gate=RiskGate(RiskLimits.from_settings(settings.treasury_risk)),
        batch_wait=timedelta(seconds=chain.payout_batch_wait_seconds),
        lease_ttl=timedelta(seconds=settings.worker.lease_seconds),
    )
    await run_payout_sender(
        sender,
        database_url=settings.database.url,
        stop=resources.stop,
        idle=chain.poll_interval_seconds,
        rebroadcast_after=chain.rebroadcast_after_seconds,
        replace_after=chain.replace_after_seconds,
    )


async def _confirm(resources: Resources) -> None:
    chain = resources.settings.chain
    watcher = ConfirmationWatcher(
        sessions=resources.sessions,
        client=ChainClient(chain.rpc_url),
        vault=chain.vault_address,
        confirmations=chain.confirmations,
        require_finalized=chain.require_finalized,
    )
    await run_confirmations(watcher, stop=resources.stop, idle=chain.poll_interval_seconds)


async def _withdraw(resources: Resources) -> None:
    settings, sessions = resources.settings, resources.sessions
    chain, custody = settings.chain, settings.custody
    # Signs with the UserWalletFactory's operator key (custody), not the payout key.
    signer = await asyncio.to_thread(custody_signer, custody, settings.hsm)
    sender = WithdrawalSender(
        sessions=sessions,
        client=ChainClient(chain.rpc_url),
        signer=signer,
        factory=chain.wallet_factory_address,
        usdc=chain.usdc_address,
        chain_id=chain.chain_id,
        destination_check=WithdrawalScreen(
            sessions, list_matchers(settings), list_freshness(settings)
        ),
        lease_ttl=timedelta(seconds=settings.worker.lease_seconds),
    )
    await run_withdrawals(
        sender,
        stop=resources.stop,
        idle=custody.poll_interval_seconds,
        rebroadcast_after=custody.rebroadcast_after_seconds,
    )


payouts = Worker("payouts", _pay_out, pays_customers=True, uses_chain=True, uses_hsm=True)
confirmations = Worker("confirmations", _confirm, uses_chain=True)
withdrawals = Worker(
    "withdrawals",
    _withdraw,
    pays_customers=True,
    computes_wallet_addresses=True,
    uses_chain=True,
    uses_hsm=True,
)
