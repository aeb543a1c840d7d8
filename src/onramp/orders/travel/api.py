"""``/v1/compliance/travel-rule``: the travel-rule records, for compliance officers.

The list shows no personal data; opening one record shows the parties (and the bank account the
deposit came from, once funds arrived) and is audited. Permission ``kyc:review``: the record is
the customer's verified identity applied to one transfer, which is what KYC reviewers see.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from onramp import banking
from onramp.auth import Permission, Principal, require
from onramp.compliance import TravelRuleRecord, get_record, list_records, parties_of
from onramp.core.audit import record
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.web import SessionDep

router = APIRouter(prefix="/v1/compliance/travel-rule", tags=["compliance"])


class TravelRuleSummaryOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: str
    currency: str
    usd_equivalent: Decimal
    threshold_usd: Decimal
    beneficiary_address: str
    beneficiary_custody: str = Field(examples=["custodial", "self_hosted", "hosted"])
    wallet_id: uuid.UUID | None
    ownership_proven_at: datetime | None
    ownership_method: str | None
    originator_verified: bool = Field(description="From an approved, unexpired KYC case")
    kyc_case_id: uuid.UUID | None
    recorded_at: datetime


class OriginatorAccountOut(BaseModel):
    deposit_id: uuid.UUID
    sender_name: str | None
    sender_iban: str | None


class TravelRuleRecordOut(TravelRuleSummaryOut):
    originator: dict[str, Any] | None = Field(description="None once retention purged it")
    beneficiary: dict[str, Any] | None
    originator_accounts: list[OriginatorAccountOut] = Field(
        description="The bank accounts the order's deposits came from (empty until funded)"
    )


class TravelRuleList(BaseModel):
    data: list[TravelRuleSummaryOut]
    next_before: uuid.UUID | None


def _summary(row: TravelRuleRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "order_id": row.order_id,
        "customer_id": row.customer_id,
        "amount": str(Money(as_int(row.amount), row.amount_currency)),
        "currency": row.amount_currency,
        "usd_equivalent": row.usd_equivalent,
        "threshold_usd": row.threshold_usd,
        "beneficiary_address": row.beneficiary_address,
        "beneficiary_custody": row.beneficiary_custody,
        "wallet_id": row.wallet_id,
        "ownership_proven_at": row.ownership_proven_at,
        "ownership_method": row.ownership_method,
        "originator_verified": row.originator_verified,
        "kyc_case_id": row.kyc_case_id,
        "recorded_at": row.recorded_at,
    }


@router.get("/records", summary="Travel-rule records, newest first (no personal data)")
async def list_travel_rule_records(
    principal: Annotated[Principal, require(Permission.KYC_REVIEW)],
    session: SessionDep,
    customer_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: uuid.UUID | None = None,
) -> TravelRuleList:
    rows = await list_records(session, customer_id=customer_id, limit=limit, before=before)
    return TravelRuleList(
        data=[TravelRuleSummaryOut(**_summary(r)) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get(
    "/orders/{order_id}",
    summary="An order's travel-rule record with the parties' data (audited)",
    responses={404: {"description": "travel_rule_record_not_found"}},
)
async def get_travel_rule_record(
    order_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.KYC_REVIEW)],
    session: SessionDep,
) -> TravelRuleRecordOut:
    row = await get_record(session, order_id=order_id)
    originator, beneficiary = parties_of(row)
    deposits = await banking.deposits_for_order(session, order_id=order_id)
    await record(
        session,
        actor=f"user:{principal.user_id}",
        action="travel_rule.record_viewed",
        entity_type="order",
        entity_id=str(order_id),
        data={"record_id": str(row.id)},
    )
    return TravelRuleRecordOut(
        **_summary(row),
        originator=originator,
        beneficiary=beneficiary,
        originator_accounts=[
            OriginatorAccountOut(
                deposit_id=d["id"],
                sender_name=d.get("sender_name"),
                sender_iban=d.get("sender_iban"),
            )
            for d in deposits
        ],
    )
