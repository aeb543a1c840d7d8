"""Refunds for a file-based bank: one SEPA pain.001 of the requested EUR refunds.

``export_refunds`` builds the file, stores it and marks its refunds ``sent`` in one
transaction; only then is it written out. A crash before the commit exports nothing (the
next run includes the same refunds); after it, the stored file is written again by its
message id, so no refund ever lands in two files. ``submit_refund_file`` uploads a stored file
to a bank that takes uploads (the sandbox's ``POST /pain001``) and records the bank's payment
ids, which the refunds worker then follows to their booking; a real bank's booking arrives on
its statement instead (``confirm_refund_booked``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.adapters.base import Pain001Upload
from onramp.banking.formats.pain001 import (
    SEPA_CURRENCY,
    CreditTransfer,
    Debtor,
    Pain001File,
    Pain001Schema,
    build_pain001,
    end_to_end_id,
)
from onramp.banking.refund_models import Refund, RefundChannel, RefundFile, RefundStatus
from onramp.banking.refunding.sender import (
    BOOKED,
    CREDITOR_UNKNOWN,
    complete_refund,
    fail_refund,
    mark_sent,
)
from onramp.core.audit import record
from onramp.core.db import as_int
from onramp.core.errors import NotFound
from onramp.core.ids import uuid7
from onramp.core.money import Money


class RefundFileNotFound(NotFound):
    code = "refund_file_not_found"
    title = "No pain.001 file with this message id"


async def _payable(session: AsyncSession, *, now: datetime, limit: int) -> list[Refund]:
    """The requested EUR refunds, locked; those without a creditor to pay fail here."""
    rows = (
        await session.scalars(
            select(Refund)
            .where(Refund.status == RefundStatus.REQUESTED.value, Refund.currency == SEPA_CURRENCY)
            .order_by(Refund.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    payable = []
    for refund in rows:
        if refund.creditor_iban and refund.creditor_name:
            payable.append(refund)
        else:
            await fail_refund(session, refund, error=CREDITOR_UNKNOWN, now=now)
    return payable


def _build(
    payable: Sequence[Refund], *, debtor: Debtor, schema: Pain001Schema, now: datetime
) -> Pain001File:
    return build_pain001(
        [
            CreditTransfer(
                end_to_end_id=end_to_end_id(r.id),
                amount=Money(as_int(r.amount), r.currency),
                creditor_name=r.creditor_name or "",
                creditor_iban=r.creditor_iban or "",
                remittance=r.remittance,
            )
            for r in payable
        ],
        debtor=debtor,
        execution_date=now.date(),
        schema=schema,
    )


async def _store(
    session: AsyncSession, built: Pain001File, *, actor: str, now: datetime
) -> RefundFile:
    stored = RefundFile(
        id=uuid7(),
        message_id=built.message_id,
        schema=built.schema,
        currency=SEPA_CURRENCY,
        count=built.count,
        total=built.total.minor,
        xml=built.xml.decode("utf-8"),
        created_by=actor[:100],
        created_at=now,
    )
    session.add(stored)
    await session.flush()
    return stored


async def export_refunds(
    session: AsyncSession,
    *,
    debtor: Debtor,
    schema: Pain001Schema,
    actor: str,
    now: datetime,
    limit: int = 1000,
) -> RefundFile | None:
    """The requested EUR refunds as one stored pain.001 (None when there are none)."""
    payable = await _payable(session, now=now, limit=limit)
    if not payable:
        return None
    built = _build(payable, debtor=debtor, schema=schema, now=now)
    stored = await _store(session, built, actor=actor, now=now)
    for refund in payable:
        await mark_sent(
            session,
            refund,
            channel=RefundChannel.PAIN001_FILE,
            payment_id=None,
            file_id=stored.id,
            now=now,
        )
    await record(
        session,
        actor=actor,
        action="refund_file.created",
        entity_type="refund_file",
        entity_id=str(stored.id),
        data={
            "message_id": stored.message_id,
            "schema": stored.schema,
            "count": stored.count,
            "total": str(built.total),
            "refunds": [str(r.id) for r in payable],
        },
    )
    return stored


async def refund_file(session: AsyncSession, *, message_id: str) -> RefundFile:
    found = await session.scalar(select(RefundFile).where(RefundFile.message_id == message_id))
    if found is None:
        raise RefundFileNotFound(message_id)
    return found


async def refund_files(
    session: AsyncSession, *, limit: int, before: uuid.UUID | None
) -> list[RefundFile]:
    """A page of the stored pain.001 files, newest first (``before``: the page after that id)."""
    query = select(RefundFile)
    if before is not None:
        query = query.where(RefundFile.id < before)
    return list((await session.scalars(query.order_by(RefundFile.id.desc()).limit(limit))).all())


async def submit_refund_file(
    session: AsyncSession, *, stored: RefundFile, bank: Pain001Upload, actor: str, now: datetime
) -> int:
    """Upload the stored file; record each refund's payment id. Returns how many the bank
    took. Uploading again is harmless: the bank answers the same payments."""
    accepted = await bank.upload_pain001(stored.xml.encode("utf-8"))
    refunds = (
        await session.scalars(
            select(Refund).where(Refund.file_id == stored.id).order_by(Refund.id).with_for_update()
        )
    ).all()
    for refund in refunds:
        payment = accepted.get(end_to_end_id(refund.id))
        if payment is None or refund.status != RefundStatus.SENT.value:
            continue
        refund.bank_payment_id = payment.payment_id
        if payment.status == BOOKED:
            await complete_refund(session, refund, now=now)
    await record(
        session,
        actor=actor,
        action="refund_file.submitted",
        entity_type="refund_file",
        entity_id=str(stored.id),
        data={"message_id": stored.message_id, "accepted": len(accepted)},
    )
    return len(accepted)


async def confirm_refund_booked(
    session: AsyncSession, *, end_to_end: str, now: datetime
) -> Refund | None:
    """A bank statement shows the debit of a refund (its EndToEndId): the refund is complete.
    For the statement import; an unknown id is not a refund of ours (None)."""
    try:
        refund_id = uuid.UUID(hex=end_to_end)
    except ValueError:
        return None
    refund = await session.get(Refund, refund_id, with_for_update=True)
    if refund is not None:
        await complete_refund(session, refund, now=now)
    return refund
