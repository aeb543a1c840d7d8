"""What the back office's customer and order pages pass their templates (test_pages renders
every template with it): the API's own models, so a template reads the fields they have."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from onramp.kyc import KycStatusOut
from onramp.orders.staff.schemas import (
    AdminOrderOut,
    AdminOrderSummary,
    AdminPayoutOut,
    EventOut,
    LedgerEntryOut,
    OrderScreeningOut,
    PendingActionOut,
    PostingOut,
)
from onramp.orders.tier_limits.api import LimitsOut, WindowOut
from onramp.support.schemas import CustomerFile, CustomerPage, CustomerSummary, FreezeOut, HoldEvent
from onramp.web.admin.orders import Filters

NOW = datetime.now(UTC)
ID = uuid.uuid4()


def _summary() -> AdminOrderSummary:
    return AdminOrderSummary(
        id=ID, customer_id=ID, state="failed", origin="quote", source_currency="EUR",
        source_amount="250.00", target_currency="USDC", target_amount="270.123456",
        destination_address="0x" + "ab" * 20, creditor_reference="RF18539007547034",
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def _order() -> AdminOrderOut:
    summary = _summary().model_dump(exclude={"target_amount"})
    return AdminOrderOut(
        **summary, quote_id=ID, quoted_target_amount="270.000000", quoted_rate="1.08",
        target_amount="270.123456", fee="1.50", rate="1.08", pricing_rule="firm_quote",
        pricing_note=None, price_difference="0.123456",
        deposit_instructions={"scheme": "iban", "iban": "DE02120300000000202051",
                              "bic": "BYLADEM1001", "routing_number": None,
                              "account_number": None, "account_name": "onramp",
                              "reference": "RF18 5390 0754 7034", "amount": "250.00",
                              "currency": "EUR"},
        payout=AdminPayoutOut(tx_hash="0x" + "1" * 64, to="0x" + "ab" * 20, amount="270.123456",
                              status="failed", block_number=12, failure="blacklisted"),
        history=[{"from_state": None, "to_state": "awaiting_funds", "reason": "new", "at": NOW}],
        deposit_id=ID,
        ledger=[LedgerEntryOut(kind="deposit", reference=str(ID), at=NOW, postings=[
            PostingOut(account="bank:sandbox:EUR", amount="250.00", currency="EUR"),
            PostingOut(account=f"customer:{ID}:EUR", amount="-250.00", currency="EUR")])],
        screenings=[OrderScreeningOut(point="funding", kind="sanctions_name", decision="clear",
                                 score=0.0, reason="no match", at=NOW)],
        events=[EventOut(action="order.failed", actor="system", at=NOW)],
        pending_action=PendingActionOut(approval_id=ID, action="orders.retry_payout",
                                        requested_by=ID, requested_at=NOW, reason="checked"),
    )  # fmt: skip


def _customer() -> CustomerSummary:
    return CustomerSummary(
        id=ID, email="ada@example.com", full_name="Ada Lovelace", created_at=NOW,
        email_verified=True, deactivated=False, erased=False,
        frozen=FreezeOut(frozen_at=NOW, reason="a stolen login", frozen_by=ID),
    )  # fmt: skip


def support_context() -> dict[str, Any]:
    window = WindowOut(
        window_hours=24, limit_eur="1000.00", used_eur="0.00", remaining_eur="1000.00"
    )
    limits = LimitsOut(tier=1, daily=window, monthly=window)
    file = CustomerFile(
        customer=_customer(), mfa_enabled=False,
        kyc=KycStatusOut(tier=1, limits={"daily_eur": "1000", "monthly_eur": "5000"},
                         next_step="none", refresh_due=False, case=None),
        kyc_history=[], limits=limits, orders=[_summary()], cases=[], sessions=[],
        holds=[HoldEvent(at=NOW, action="customer.frozen", actor=f"user:{ID}", reason="why")],
    )  # fmt: skip
    return {
        "q": "ada",
        "page": CustomerPage(matched_by="name", data=[_customer()], next_before=ID),
        "first": False,
        "file": file,
        "may_hold": True,
        "filters": Filters(state="failed"),
        "states": ["failed", "completed"],
        "next_cursor": "abc",
        "results": [_summary()],
        "order": _order(),
        "may_operate": True,
    }
