"""Chain workers: the payout sender (single writer per hot wallet) and the confirmation watcher."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.errors import ChainRpcError, NodeUnavailable
from onramp.chain.paying.payout_gate import DestinationCheck, PayoutGate
from onramp.chain.paying.payouts import PayoutSender
from onramp.chain.signing.hsm_signer import Pkcs11Signer
from onramp.chain.signing.signer import LocalKeySigner, Signer
from onramp.chain.transactions.confirmations import ConfirmationWatcher
from onramp.chain.transactions.fees import FeePolicy
from onramp.core.errors import InvalidInput
from onramp.core.keys import Hsm, HsmUnavailable
from onramp.core.leases import LeaseLost
from onramp.core.logging import get_logger
from onramp.core.settings import ChainSettings, HsmSettings
from onramp.core.wakeup import PAYOUTS_CHANNEL, Wakeup

log = get_logger(__name__)


class Backoff:
    """1 s, 2 s, 4 s ... up to ``cap`` while failures follow each other; reset on success."""

    def __init__(self, first: float = 1.0, cap: float = 30.0) -> None:
        self._first, self._cap, self._next = first, cap, first

    def next(self) -> float:
        wait, self._next = self._next, min(self._next * 2, self._cap)
        return wait

    def reset(self) -> None:
        self._next = self._first


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def run_payout_sender(
    sender: PayoutSender,
    *,
    database_url: str,
    stop: asyncio.Event,
    idle: float,
    rebroadcast_after: float,
    replace_after: float = 180.0,
) -> None:
    """Pay out while this replica holds the hot wallet's lease (the other replicas wait for it
    here); a lost lease ends the loop with ``LeaseLost`` (its host starts it again, waiting)."""
    if await sender.writer.acquire(stop) is None:
        return
    try:
        await _pay_out(
            sender,
            database_url=database_url,
            stop=stop,
            idle=idle,
            rebroadcast_after=rebroadcast_after,
            replace_after=replace_after,
        )
    finally:
        await sender.writer.close()


async def _pay_out(
    sender: PayoutSender,
    *,
    database_url: str,
    stop: asyncio.Event,
    idle: float,
    rebroadcast_after: float,
    replace_after: float,
) -> None:
    async with Wakeup(database_url, PAYOUTS_CHANNEL) as wakeup:
        log.info("payouts.started")
        try:
            # A stored transaction the node does not know is the reconciler's to settle; a node
            # that does not answer yet is the loop's to wait for: neither stops the worker.
            await sender.resend_stored()
        except (NodeUnavailable, ChainRpcError) as exc:
            log.warning("payouts.node_error", error=str(exc), code=exc.code)
        sweep_every = max(0.5, min(rebroadcast_after, replace_after) / 3)
        next_sweep = time.monotonic() + sweep_every
        backoff = Backoff()
        while not stop.is_set():
            if sender.writer.lost.is_set():
                raise LeaseLost("the hot wallet's lease was lost")
            try:
                if time.monotonic() >= next_sweep:
                    # Every stored transaction not yet final, by nonce, each sweep (not only at
                    # start): a batch whose send timed out is sent again, a mined original or
                    # a superseded nonce is settled.
                    await sender.reconcile()
                    await sender.replace_stuck(older_than=timedelta(seconds=replace_after))
                    await sender.rebroadcast_stale(older_than=timedelta(seconds=rebroadcast_after))
                    next_sweep = time.monotonic() + sweep_every
                sent = await sender.send_batch()
            except (NodeUnavailable, ChainRpcError) as exc:
                # Node down, nonce too low, out of gas money...: wait longer each time in a row.
                log.warning("payouts.node_error", error=str(exc), code=exc.code)
                await _pause(stop, backoff.next())
                try:
                    await sender.resend_stored()
                except (NodeUnavailable, ChainRpcError):
                    pass
                continue
            except HsmUnavailable as exc:
                # The token failed to sign: the batch's transaction rolled back (nothing stored,
                # no nonce used), so the same payouts are signed again after a pause.
                log.warning("payouts.hsm_error", error=str(exc))
                await _pause(stop, backoff.next())
                continue
            backoff.reset()
            if sent == 0:
                # Queued payouts NOTIFY; the timeout keeps the re-broadcast sweep going.
                await wakeup.wait(max(idle, 0.5))
    log.info("payouts.stopped")


async def run_confirmations(
    watcher: ConfirmationWatcher, *, stop: asyncio.Event, idle: float
) -> None:
    log.info("confirmations.started")
    while not stop.is_set():
        try:
            settled = await watcher.check()
        except (NodeUnavailable, ChainRpcError) as exc:
            log.warning("confirmations.node_error", error=str(exc))
            settled = 0
        if settled == 0:
            await _pause(stop, idle)
    log.info("confirmations.stopped")


class PayoutKeyNotConfigured(InvalidInput):
    code = "payout_key_not_configured"
    title = "ONRAMP_CHAIN__SIGNER=hsm needs ONRAMP_CHAIN__PAYOUT_KEY_ID"


def payout_signer(chain: ChainSettings, hsm: HsmSettings) -> Signer:
    """The configured payout signer; the HSM's key is looked up now, so a missing key or token
    stops the worker at start with a clear error."""
    if chain.signer == "local":
        return LocalKeySigner(chain.payout_private_key.get_secret_value())
    if not chain.payout_key_id:
        raise PayoutKeyNotConfigured("set it to the key id `onramp keys new-payout-key` printed")
    return Pkcs11Signer(Hsm.connect(hsm), chain.payout_key_id)


def sender_from(
    *,
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    signer: Signer,
    vault: str,
    chain_id: int,
    batch_size: int,
    destination_check: DestinationCheck | None = None,
    fees: FeePolicy | None = None,
    gate: PayoutGate | None = None,
    batch_wait: timedelta = timedelta(0),
    lease_ttl: timedelta = timedelta(seconds=15),
) -> PayoutSender:
    return PayoutSender(
        sessions=sessions,
        client=client,
        signer=signer,
        vault=vault,
        chain_id=chain_id,
        batch_size=batch_size,
        destination_check=destination_check,
        fees=fees,
        gate=gate,
        batch_wait=batch_wait,
        lease_ttl=lease_ttl,
    )
