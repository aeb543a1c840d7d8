"""What the back office's compliance and treasury pages pass their templates, for
test_pages.py's every-template check (each page's variables, with made-up values)."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace


def ops_context() -> dict[str, object]:
    now = datetime.datetime.now(datetime.UTC)
    some = uuid.uuid4()
    case = SimpleNamespace(
        id=some,
        customer_id=some,
        status="open",
        severity="high",
        assignee_id=None,
        decision=None,
        decision_reason=None,
        decided_by=None,
        pending_approval_id=None,
        opened_at=now,
        closed_at=None,
        alerts=[],
        comments=[],
        attachments=[],
        orders=[
            SimpleNamespace(
                id=some,
                state="manual_review",
                source_amount="1500.00",
                source_currency="EUR",
                destination_address="0xabc",
                created_at=now,
            )
        ],
    )
    policy = SimpleNamespace(minimum=100, target=None, maximum=None)
    wallet = SimpleNamespace(name="vault", kind="vault", tier="hot", address="0xabc")
    liquidity = SimpleNamespace(
        wallet=wallet, balance=10, reserved=0, available=10, state="ok", policy=policy
    )
    usdc = SimpleNamespace(minor=10, currency="USDC")
    positions = SimpleNamespace(
        as_of=now,
        usdc_on_chain=usdc,
        bank=[("bank:x:EUR", SimpleNamespace(minor=5, currency="EUR"))],
        fx=[],
        customers_owed=[],
        wallets=[
            SimpleNamespace(liquidity=liquidity, ledger=usdc, difference=usdc, ether_wei=10**18)
        ],
    )
    proposal = SimpleNamespace(
        id=some,
        kind="refill",
        source="warm",
        destination="vault",
        amount="500.000000",
        reason="low",
        proposed_by="system:treasury",
        status="awaiting_signatures",
        safe="0xs",
        safe_nonce=1,
        safe_tx_hash="0xh",
        threshold=2,
        exec_tx_hash=None,
        failure=None,
        signatures=[],
        created_at=now,
        executed_at=None,
    )
    breaker = SimpleNamespace(
        state="open",
        reason="manual",
        trigger="manual",
        opened_by="user:x",
        opened_at=now,
        vault_paused=True,
        vault_paused_elsewhere=False,
        closed_at=None,
    )
    kyc_case = SimpleNamespace(
        submitted_at=now,
        customer_id=some,
        kind="business",
        status="pending",
        tier_requested=3,
        tier_granted=0,
        vendor="sandbox",
        reasons=[],
        hold_reason="UBO_SANCTIONS_HIT",
        ubo_screening=["hit", "clear"],
    )
    deposit = {
        "id": some,
        "amount": "12.50",
        "currency": "EUR",
        "reason": "unknown_reference",
        "reference_text": "RF18",
        "sender_name": "A",
        "sender_account": None,
        "suggested_order_id": None,
        "booked_at": now,
        "received_at": now,
    }
    refund = SimpleNamespace(
        requested_at=now,
        deposit_id=some,
        order_id=None,
        amount=1250,
        currency="EUR",
        reason="unmatched",
        status="sent",
        channel="pain001_file",
        attempts=1,
        last_error=None,
    )
    stuck = SimpleNamespace(  # requested, the bank's answer to its sends never came
        id=some,
        requested_at=now,
        amount=900,
        currency="EUR",
        attempts=8,
        last_error="bank answered 503",
    )
    file = SimpleNamespace(  # a pain.001 file and an imported statement file, in one
        created_at=now,
        message_id="M1",
        schema="pain.001.001.09",
        count=1,
        total=1250,
        currency="EUR",
        created_by="system",
        imported_at=now,
        bank="sandbox",
        filename="a.xml",
        format="camt.053",
        source="cli",
        counts={"deposits": 1},
    )
    url = SimpleNamespace(include_query_params=lambda **q: f"/admin/x?format={q['format']}")
    return {
        "request": SimpleNamespace(url=url),
        "deposits": [deposit],
        "done": "assigned",
        "currency": "",
        "next_after": None,
        "can_assign": True,
        "can_return": True,
        "refunds": [refund],
        "stuck": [stuck],
        "may_settle": True,
        "files": [file],
        "bank": "",
        "kyc_cases": [kyc_case],
        "principal": SimpleNamespace(user_id=some, role="compliance_officer"),
        "case": case,
        "cases": [case],
        "pending": None,
        "can_act": True,
        "can_sign": True,
        "can_manage": True,
        "filters": {
            "status": "",
            "severity": "",
            "assignee": "",
            "order": "newest",
            "kind": "",
            "held": "",
            "limit": 100,
            "customer_id": "",
            "subject_type": "",
            "decision": "",
        },
        "next_cursor": None,
        "screenings": [],
        "jobs": [],
        "limit": 20,
        "positions": positions,
        "requested": "",
        "redeem_requested": "",
        "operations": [
            SimpleNamespace(
                created_at=now,
                kind="redeem",
                amount="250.000000",
                status="requested",
                requested_by="user:1",
                tx_hash=None,
                error_code=None,
                send_with="onramp issuer redeem --amount 250.000000 --key approved-redeem-1",
            )
        ],
        "proposals": [proposal],
        "proposal": proposal,
        "typed_data": "{}",
        "status": "",
        "statuses": ["ready"],
        "breaker": breaker,
        "evidence": "{}",
    }
