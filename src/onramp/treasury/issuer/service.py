"""Issuer operations in the database: asked for once per idempotency key, each step recorded with
an audit record, and an outbox event when one ends. Services take the session and never commit;
``flow.py`` drives the steps against the issuer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import checksum
from onramp.core import audit, outbox
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import chain_account, credit, debit, entry, fx_account, post_entry
from onramp.treasury.issuer.base import IssuerNotice
from onramp.treasury.issuer.circle import usd_amount
from onramp.treasury.issuer.errors import IssuerOperationConflict, IssuerOperationNotFound
from onramp.treasury.issuer.events import (
    MINT_COMPLETED,
    OPERATION_FAILED,
    OPERATION_NEEDS_REVIEW,
    REDEEM_COMPLETED,
)
from onramp.treasury.issuer.models import (
    TERMINAL,
    IssuerOperation,
    IssuerOperationKind,
    IssuerOperationStatus,
)
from onramp.treasury.models import TreasuryWallet

SOURCE = "onramp/treasury/issuer"
ACTOR = "treasury.issuer"
Kind = IssuerOperationKind
Status = IssuerOperationStatus


@dataclass(frozen=True)
class IssuerOperationView:
    id: uuid.UUID
    kind: str
    idempotency_key: str
    issuer: str
    amount: Money
    destination: str
    status: str
    bank_account_id: str | None
    tracking_ref: str | None
    recipient_id: str | None
    deposit_address: str | None
    transfer_id: str | None
    payout_id: str | None
    tx_hash: str | None
    error_code: str | None
    requested_by: str
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def of(cls, row: IssuerOperation) -> IssuerOperationView:
        return cls(
            id=row.id,
            kind=row.kind,
            idempotency_key=row.idempotency_key,
            issuer=row.issuer,
            amount=Money(as_int(row.amount), "USDC"),
            destination=row.destination,
            status=row.status,
            bank_account_id=row.bank_account_id,
            tracking_ref=row.tracking_ref,
            recipient_id=row.recipient_id,
            deposit_address=row.deposit_address,
            transfer_id=row.transfer_id,
            payout_id=row.payout_id,
            tx_hash=row.tx_hash,
            error_code=row.error_code,
            requested_by=row.requested_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


async def _request(
    session: AsyncSession,
    *,
    kind: Kind,
    issuer: str,
    amount: Money,
    destination: str,
    idempotency_key: str,
    requested_by: str,
) -> IssuerOperationView:
    usd_amount(amount)  # positive USDC in whole cents, or an error before anything is stored
    new_id = uuid7()
    inserted = await session.execute(
        insert(IssuerOperation)
        .values(
            id=new_id,
            kind=kind,
            idempotency_key=idempotency_key,
            issuer=issuer,
            amount=amount.minor,
            destination=destination,
            status=Status.REQUESTED,
            requested_by=requested_by,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(IssuerOperation.id)
    )
    if inserted.scalar_one_or_none() is not None:
        await audit.record(
            session,
            actor=requested_by,
            action=f"issuer.{kind}_requested",
            entity_type="issuer_operation",
            entity_id=str(new_id),
            data={"amount": str(amount), "destination": destination, "issuer": issuer},
        )
    row = (
        await session.execute(
            select(IssuerOperation).where(IssuerOperation.idempotency_key == idempotency_key)
        )
    ).scalar_one()
    if (row.kind, as_int(row.amount), row.destination) != (kind, amount.minor, destination):
        raise IssuerOperationConflict(
            f"key {idempotency_key!r} is a {row.kind} of {Money(as_int(row.amount), 'USDC')} USDC"
        )
    return IssuerOperationView.of(row)


async def request_mint(
    session: AsyncSession,
    *,
    issuer: str,
    amount: Money,
    destination: str,
    idempotency_key: str,
    requested_by: str,
) -> IssuerOperationView:
    """A mint of ``amount`` USDC to ``destination`` (a treasury address), stored once per key:
    the same key again answers the same operation; with another amount or address, an error."""
    return await _request(
        session,
        kind=Kind.MINT,
        issuer=issuer,
        amount=amount,
        destination=checksum(destination),
        idempotency_key=idempotency_key,
        requested_by=requested_by,
    )


async def request_redeem(
    session: AsyncSession,
    *,
    issuer: str,
    amount: Money,
    idempotency_key: str,
    requested_by: str,
) -> IssuerOperationView:
    """A redeem of ``amount`` USDC into fiat wired to the operator's registered bank account."""
    return await _request(
        session,
        kind=Kind.REDEEM,
        issuer=issuer,
        amount=amount,
        destination="",
        idempotency_key=idempotency_key,
        requested_by=requested_by,
    )


async def _row(session: AsyncSession, operation_id: uuid.UUID, *, lock: bool) -> IssuerOperation:
    query = select(IssuerOperation).where(IssuerOperation.id == operation_id)
    row = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    if row is None:
        raise IssuerOperationNotFound(f"no issuer operation {operation_id}")
    return row


async def get_operation(session: AsyncSession, operation_id: uuid.UUID) -> IssuerOperationView:
    return IssuerOperationView.of(await _row(session, operation_id, lock=False))


async def open_operations(
    session: AsyncSession, *, limit: int = 100, key_prefix: str = ""
) -> list[uuid.UUID]:
    """Operations not yet finished, oldest first: what a restarted driver resumes (only those
    whose idempotency key starts with ``key_prefix``: the ones that driver started)."""
    query = (
        select(IssuerOperation.id)
        .where(
            IssuerOperation.status.not_in([s.value for s in TERMINAL]),
            IssuerOperation.idempotency_key.startswith(key_prefix),
        )
        .order_by(IssuerOperation.created_at)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def list_operations(
    session: AsyncSession,
    *,
    kind: str | None,
    status: str | None,
    limit: int,
    before: uuid.UUID | None,
) -> list[IssuerOperationView]:
    """A page of mints and redeems, newest first (``before``: the page after that id)."""
    query = select(IssuerOperation)
    if kind is not None:
        query = query.where(IssuerOperation.kind == kind)
    if status is not None:
        query = query.where(IssuerOperation.status == status)
    if before is not None:
        query = query.where(IssuerOperation.id < before)
    rows = await session.scalars(query.order_by(IssuerOperation.id.desc()).limit(limit))
    return [IssuerOperationView.of(row) for row in rows]


async def record_step(
    session: AsyncSession,
    operation_id: uuid.UUID,
    status: Status,
    *,
    expect: Status | None = None,
    from_wallet: str | None = None,
    **fields: Any,
) -> IssuerOperationView | None:
    """Move the operation to ``status`` with the issuer's ids in ``fields`` (row locked). None,
    and nothing changed, when it is no longer at ``expect`` (someone else moved it on).
    Audited; a final status emits its event. USDC that reaches one of our wallets (a mint) or
    leaves one (``from_wallet``, a redeem's send) is booked in the same transaction."""
    row = await _row(session, operation_id, lock=True)
    if expect is not None and row.status != expect:
        return None
    await _book(session, row, status, from_wallet)
    for name, value in fields.items():
        setattr(row, name, value)
    previous, row.status, row.updated_at = row.status, status, utcnow()
    await session.flush()
    view = IssuerOperationView.of(row)
    await audit.record(
        session,
        actor=ACTOR,
        action=f"issuer.{row.kind}_{status}",
        entity_type="issuer_operation",
        entity_id=str(row.id),
        data={"from": previous, **{k: v for k, v in fields.items() if v is not None}},
    )
    subject = _final_subject(view)
    if subject:
        await outbox.emit(
            session,
            subject,
            {
                "operation_id": str(view.id),
                "kind": view.kind,
                "idempotency_key": view.idempotency_key,
                "amount": str(view.amount),
                "currency": "USDC",
                "destination": view.destination,
                "transfer_id": view.transfer_id,
                "payout_id": view.payout_id,
                "tx_hash": view.tx_hash,
                "error_code": view.error_code,
            },
            source=SOURCE,
            entity_id=str(view.id),
        )
    return view


async def _book(
    session: AsyncSession, row: IssuerOperation, status: Status, from_wallet: str | None
) -> None:
    """USDC bought from or sold to the issuer moves the FX position, as the vault's funding
    did: a mint Dr chain:<wallet>:USDC / Cr fx:USDC, a redeem's send the reverse."""
    amount = Money(as_int(row.amount), "USDC")
    if row.kind == Kind.MINT and status == Status.COMPLETED:
        wallet = await session.scalar(
            select(TreasuryWallet.name).where(TreasuryWallet.address == row.destination)
        )
        if wallet is None:
            return  # minted to an address that is not ours: nothing of ours moved
        legs = (debit(chain_account(wallet), amount), credit(fx_account("USDC"), amount))
    elif row.kind == Kind.REDEEM and status == Status.USDC_SENT and from_wallet:
        legs = (debit(fx_account("USDC"), amount), credit(chain_account(from_wallet), amount))
    else:
        return
    await post_entry(session, entry(f"issuer_{row.kind}", str(row.id), *legs))


def _final_subject(view: IssuerOperationView) -> str | None:
    if view.status == Status.COMPLETED:
        return MINT_COMPLETED if view.kind == Kind.MINT else REDEEM_COMPLETED
    if view.status == Status.FAILED:
        return OPERATION_FAILED
    if view.status == Status.NEEDS_REVIEW:
        return OPERATION_NEEDS_REVIEW
    return None


async def apply_notice(session: AsyncSession, notice: IssuerNotice) -> IssuerOperationView | None:
    """A verified issuer notification moves the operation it concerns (a finished transfer or
    payout); anything else, or one already applied, changes nothing."""
    if notice.transfer is not None and notice.transfer.status != "pending":
        transfer = notice.transfer
        query = select(IssuerOperation.id).where(IssuerOperation.transfer_id == transfer.id)
        found = (await session.execute(query)).scalar_one_or_none()
        if found is None:
            return None
        if transfer.status == "complete":
            return await record_step(
                session,
                found,
                Status.COMPLETED,
                expect=Status.TRANSFER_PENDING,
                tx_hash=transfer.transaction_hash,
            )
        return await record_step(
            session,
            found,
            Status.FAILED,
            expect=Status.TRANSFER_PENDING,
            error_code=transfer.error_code or "transfer_failed",
        )
    if notice.payout is not None and notice.payout.status != "pending":
        payout = notice.payout
        query = select(IssuerOperation.id).where(IssuerOperation.payout_id == payout.id)
        found = (await session.execute(query)).scalar_one_or_none()
        if found is None:
            return None
        status = Status.COMPLETED if payout.status == "complete" else Status.FAILED
        error = None if payout.status == "complete" else (payout.error_code or "payout_failed")
        return await record_step(
            session, found, status, expect=Status.PAYOUT_PENDING, error_code=error
        )
    return None
