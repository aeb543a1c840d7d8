"""Writing and reading travel-rule records.

The orders domain decides that a transfer needs one (the threshold, the wallet's custody and
ownership proof) and gathers the parties' data; this module seals and stores it, audits it
(ids and amounts, never the names) and announces it. Compliance officers read it back opened.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.travel_rule.models import WALLET_CUSTODY, TravelRuleRecord
from onramp.core.audit import record
from onramp.core.errors import InvariantViolated, NotFound
from onramp.core.events import subject_for
from onramp.core.ids import uuid7
from onramp.core.keys import sealed_column_keys
from onramp.core.money import Money
from onramp.core.outbox import emit

SOURCE = "onramp.compliance"
TRAVEL_RULE_RECORDED = subject_for("compliance", "travel_rule.recorded")
CENTS = Decimal("0.01")


class TravelRuleRecordNotFound(NotFound):
    code = "travel_rule_record_not_found"
    title = "No travel-rule record for this order"


@dataclass(frozen=True)
class TransferDraft:
    """One transfer's travel-rule data. ``originator`` and ``beneficiary`` are personal data
    (names, postal address, account ids, the beneficiary's VASP) and are stored sealed."""

    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    usd_equivalent: Decimal
    threshold_usd: Decimal
    beneficiary_address: str
    beneficiary_custody: str
    wallet_id: uuid.UUID | None
    ownership_proven_at: datetime | None
    ownership_method: str | None
    kyc_case_id: uuid.UUID | None
    originator: Mapping[str, Any]
    beneficiary: Mapping[str, Any]


async def record_transfer(
    session: AsyncSession, draft: TransferDraft, *, now: datetime, actor: str
) -> TravelRuleRecord:
    if draft.beneficiary_custody not in WALLET_CUSTODY:
        raise InvariantViolated(f"unknown wallet custody {draft.beneficiary_custody!r}")
    row = TravelRuleRecord(
        id=uuid7(),
        order_id=draft.order_id,
        customer_id=draft.customer_id,
        amount_currency=draft.amount.currency,
        amount=draft.amount.minor,
        usd_equivalent=draft.usd_equivalent.quantize(CENTS),
        threshold_usd=draft.threshold_usd,
        beneficiary_address=draft.beneficiary_address,
        beneficiary_custody=draft.beneficiary_custody,
        wallet_id=draft.wallet_id,
        ownership_proven_at=draft.ownership_proven_at,
        ownership_method=draft.ownership_method,
        kyc_case_id=draft.kyc_case_id,
        originator_verified=draft.kyc_case_id is not None,
        recorded_at=now,
    )
    row.originator = orjson.dumps(dict(draft.originator)).decode()
    row.beneficiary = orjson.dumps(dict(draft.beneficiary)).decode()
    session.add(row)
    data = {
        "record_id": str(row.id),
        "order_id": str(draft.order_id),
        "customer_id": str(draft.customer_id),
        "usd_equivalent": str(row.usd_equivalent),
        "threshold_usd": str(draft.threshold_usd),
        "beneficiary_custody": draft.beneficiary_custody,
        "ownership_method": draft.ownership_method,
        "originator_verified": row.originator_verified,
    }
    await record(
        session,
        actor=actor,
        action="travel_rule.recorded",
        entity_type="order",
        entity_id=str(draft.order_id),
        data=data,
    )
    await emit(
        session,
        TRAVEL_RULE_RECORDED,
        data,
        source=SOURCE,
        entity_id=str(row.id),
        correlation_id=str(draft.order_id),
    )
    await session.flush()
    return row


async def record_of_order(session: AsyncSession, *, order_id: uuid.UUID) -> TravelRuleRecord | None:
    found: TravelRuleRecord | None = await session.scalar(
        select(TravelRuleRecord).where(TravelRuleRecord.order_id == order_id)
    )
    return found


async def get_record(session: AsyncSession, *, order_id: uuid.UUID) -> TravelRuleRecord:
    found = await record_of_order(session, order_id=order_id)
    if found is None:
        raise TravelRuleRecordNotFound()
    return found


async def list_records(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID | None,
    limit: int,
    before: uuid.UUID | None,
) -> list[TravelRuleRecord]:
    """Newest first, without opening anything (the list shows no personal data)."""
    query = select(TravelRuleRecord)
    if customer_id is not None:
        query = query.where(TravelRuleRecord.customer_id == customer_id)
    if before is not None:
        query = query.where(TravelRuleRecord.id < before)
    rows = await session.scalars(query.order_by(TravelRuleRecord.id.desc()).limit(limit))
    return list(rows.all())


def parties_of(row: TravelRuleRecord) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The opened originator and beneficiary (None once the retention purge dropped them)."""

    def opened(value: str | None) -> dict[str, Any] | None:
        return None if value is None else dict(orjson.loads(value))

    return opened(row.originator), opened(row.beneficiary)


async def purge_parties(session: AsyncSession, *, customer_ids: list[uuid.UUID]) -> int:
    """After the retention period: drop the sealed parties of these customers' records, keeping
    amounts, custody and proofs for the books; return how many changed."""
    if not customer_ids:
        return 0
    result = await session.execute(
        update(TravelRuleRecord)
        .where(
            TravelRuleRecord.customer_id.in_(customer_ids),
            TravelRuleRecord.originator.sealed_column.is_not(None),
        )
        .values(dict.fromkeys(sorted(sealed_column_keys(TravelRuleRecord))))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
