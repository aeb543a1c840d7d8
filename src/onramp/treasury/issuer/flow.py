"""Drives a stored mint or redeem through the issuer, one recorded step at a time.

Mint: register our wire bank account and the destination as a recipient (both idempotent), wire
the amount with the instructions' ``trackingRef`` (``wire_sent``), order the transfer with a key
derived from the operation id until the issuer's balance covers it (``transfer_pending``), and
finish with its transaction hash once the issuer says it is complete. A crash anywhere resumes
from the stored status and sends the same keys again, so the issuer answers the same wire and the
same transfer: one mint.

Redeem: get the issuer's deposit address, record ``usdc_sending``, send the USDC on-chain
(``usdc_sent`` with the hash), wait until the issuer has credited that transaction (and burned
the USDC), then order the payout to our bank account (``payout_pending``) and finish when it is
complete. A run that finds an operation still ``usdc_sending`` cannot know whether the USDC left,
so it marks it ``needs_review`` instead of sending again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.errors import OnrampError
from onramp.core.logging import get_logger
from onramp.treasury.issuer.base import (
    Issuer,
    UsdcSender,
    WireAccountDetails,
    WireBankAccount,
    WireSender,
)
from onramp.treasury.issuer.circle import CHAIN, key_for
from onramp.treasury.issuer.errors import (
    IssuerInsufficientFunds,
    IssuerNotConfigured,
    IssuerOperationTimeout,
)
from onramp.treasury.issuer.service import (
    IssuerOperationView,
    Kind,
    Status,
    get_operation,
    open_operations,
    record_step,
)

Sleep = Callable[[float], Awaitable[None]]
log = get_logger(__name__)


class IssuerFlow:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        issuer: Issuer,
        *,
        wire_account: WireAccountDetails,
        wire: WireSender,
        usdc: UsdcSender | None = None,
        poll_seconds: float = 0.2,
        timeout_seconds: float = 120.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._sessions = sessions
        self._issuer = issuer
        self._account = wire_account
        self._wire = wire
        self._usdc = usdc
        self._poll = poll_seconds
        self._timeout = timeout_seconds
        self._sleep = sleep
        self._bank: WireBankAccount | None = None

    async def run(self, operation_id: uuid.UUID) -> IssuerOperationView:
        """Advance the operation until it is finished; IssuerOperationTimeout (nothing lost: run
        it again later) if the issuer takes longer than the timeout."""
        deadline = time.monotonic() + self._timeout
        while True:
            view = await self._load(operation_id)
            if view.finished:
                return view
            if not await self._step(view):
                if time.monotonic() > deadline:
                    raise IssuerOperationTimeout(f"operation {operation_id} is {view.status}")
                await self._sleep(self._poll)

    async def advance(self, operation_id: uuid.UUID) -> bool:
        """Step the operation as far as it goes now, without waiting for the issuer; True if
        it moved."""
        moved = False
        while True:
            view = await self._load(operation_id)
            if view.finished or not await self._step(view):
                return moved
            moved = True

    async def advance_open(self, *, key_prefix: str = "") -> list[IssuerOperationView]:
        """One round over the unfinished operations (whose key starts with ``key_prefix``),
        oldest first, each advanced as far as it goes now; returns those that moved.

        An issuer call that fails (a 5xx, a timeout, an answer it cannot read) delays only its
        own operation: it is logged and asked again, under the same keys, next round, and never
        failed for it (only the issuer's word that a transfer or payout failed fails one). The
        other operations, and the rest of the caller's round, go on."""
        async with unit_of_work(self._sessions) as session:
            pending = await open_operations(session, key_prefix=key_prefix)
        moved = []
        for operation_id in pending:
            try:
                if await self.advance(operation_id):
                    moved.append(await self._load(operation_id))
            except OnrampError as exc:
                log.warning(
                    "issuer.operation_waiting",
                    operation_id=str(operation_id),
                    error=exc.code,
                    detail=exc.detail[:200],
                )
            except Exception:  # a bug or a lost connection: this one waits as well
                log.exception("issuer.operation_error", operation_id=str(operation_id))
        return moved

    async def _load(self, operation_id: uuid.UUID) -> IssuerOperationView:
        async with unit_of_work(self._sessions) as session:
            return await get_operation(session, operation_id)

    async def _record(
        self, view: IssuerOperationView, status: Status, **fields: str | None
    ) -> IssuerOperationView | None:
        async with unit_of_work(self._sessions) as session:
            return await record_step(session, view.id, status, expect=Status(view.status), **fields)

    async def _step(self, view: IssuerOperationView) -> bool:
        """One step; True if the operation moved on, False to wait and look again."""
        status = Status(view.status)
        if view.kind == Kind.MINT:
            if status == Status.REQUESTED:
                return await self._send_wire(view)
            if status == Status.WIRE_SENT:
                return await self._order_transfer(view)
            return await self._check_transfer(view)
        if status == Status.REQUESTED:
            return await self._send_usdc(view)
        if status == Status.USDC_SENDING:
            # A run that records it sends at once and moves on: here, one was interrupted.
            await self._record(view, Status.NEEDS_REVIEW, error_code="interrupted_while_sending")
            return True
        if status == Status.USDC_SENT:
            return await self._order_payout(view)
        return await self._check_payout(view)

    async def _wire_bank(self) -> WireBankAccount:
        if self._bank is None:
            self._bank = await self._issuer.register_wire_account(
                self._account,
                idempotency_key=key_for("wire-account", self._account.account_number),
            )
        return self._bank

    # --- mint ---------------------------------------------------------------------------------

    async def _send_wire(self, view: IssuerOperationView) -> bool:
        bank = await self._wire_bank()
        recipient = await self._issuer.add_recipient_address(
            view.destination,
            description="onramp treasury",
            idempotency_key=key_for("recipient", CHAIN, view.destination),
        )
        if recipient.status != "active":
            return False  # the issuer has not allowed the address yet
        instructions = await self._issuer.wire_instructions(bank.id)
        await self._wire.send_wire(
            instructions, view.amount, idempotency_key=key_for(str(view.id), "wire")
        )
        await self._record(
            view,
            Status.WIRE_SENT,
            bank_account_id=bank.id,
            tracking_ref=instructions.tracking_ref,
            recipient_id=recipient.id,
        )
        return True

    async def _order_transfer(self, view: IssuerOperationView) -> bool:
        # No balance check first: after a crash the transfer may already exist (and have taken
        # the balance); the same key then answers it, where a balance check would wait forever.
        try:
            transfer = await self._issuer.create_transfer(
                recipient_id=view.recipient_id or "",
                amount=view.amount,
                idempotency_key=key_for(str(view.id), "transfer"),
            )
        except IssuerInsufficientFunds:
            return False  # our wire has not been credited yet
        await self._record(view, Status.TRANSFER_PENDING, transfer_id=transfer.id)
        return True

    async def _check_transfer(self, view: IssuerOperationView) -> bool:
        transfer = await self._issuer.get_transfer(view.transfer_id or "")
        if transfer.status == "complete":
            await self._record(view, Status.COMPLETED, tx_hash=transfer.transaction_hash)
        elif transfer.status == "failed":
            await self._record(
                view, Status.FAILED, error_code=transfer.error_code or "transfer_failed"
            )
        return transfer.status != "pending"

    # --- redeem -------------------------------------------------------------------------------

    async def _send_usdc(self, view: IssuerOperationView) -> bool:
        if self._usdc is None:
            raise IssuerNotConfigured("redeeming needs a USDC sender (the treasury's wallet)")
        address = await self._issuer.deposit_address(
            idempotency_key=key_for("deposit-address", CHAIN)
        )
        bank = await self._wire_bank()
        sending = await self._record(
            view,
            Status.USDC_SENDING,
            deposit_address=address.address,
            bank_account_id=bank.id,
        )
        if sending is None:
            return True  # someone else moved it: the next round reads where it stands
        try:
            tx_hash = await self._usdc.send_usdc(address.address, view.amount)
        except (OnrampError, OSError, RuntimeError, ValueError) as exc:
            code = exc.code if isinstance(exc, OnrampError) else type(exc).__name__
            await self._record(sending, Status.NEEDS_REVIEW, error_code=f"send_failed:{code}")
            return True
        await self._record(
            sending, Status.USDC_SENT, tx_hash=tx_hash, from_wallet=self._usdc.wallet
        )
        return True

    async def _order_payout(self, view: IssuerOperationView) -> bool:
        sent = (view.tx_hash or "").lower()
        credited = any(
            d.kind == "blockchain"
            and d.status == "complete"
            and (d.transaction_hash or "").lower() == sent
            for d in await self._issuer.deposits()
        )
        if not credited:
            return False
        try:
            payout = await self._issuer.create_payout(
                bank_account_id=view.bank_account_id or "",
                amount=view.amount,
                idempotency_key=key_for(str(view.id), "payout"),
            )
        except IssuerInsufficientFunds:
            return False
        await self._record(view, Status.PAYOUT_PENDING, payout_id=payout.id)
        return True

    async def _check_payout(self, view: IssuerOperationView) -> bool:
        payout = await self._issuer.get_payout(view.payout_id or "")
        if payout.status == "complete":
            await self._record(view, Status.COMPLETED)
        elif payout.status == "failed":
            await self._record(view, Status.FAILED, error_code=payout.error_code or "payout_failed")
        return payout.status != "pending"
