"""Screening where people and addresses enter the money path: wallet add refuses a listed
address, registration and bank-account add screen the name, the payout sender re-checks the
destination right before signing. Each screen is recorded, hit or clear."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import orders
from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.models import Payout, WalletWithdrawal
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.fx import FxDesk
from onramp.orders.holds import review
from onramp.orders.models import Order
from tests.compliance.helpers import (
    CURRENT,
    SEMENOV_ETH,
    alerts_about,
    load,
    records_about,
)
from tests.e2e.mfa_people import PASSWORD, Person, enrol


async def test_sanctioned_eth_address_refused_as_destination(
    stack: Stack, person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await load(sessions, CURRENT)
    await enrol(person)
    me = (await person.client.get("/v1/me")).json()

    # Any letter case: an EIP-55 checksum only changes case.
    refused = await person.client.post(
        "/v1/me/wallets", json={"label": "listed", "address": SEMENOV_ETH.lower()}
    )
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["code"] == "destination_sanctioned"
    assert "44718" in problem["detail"]
    # Nothing was saved ...
    assert (await person.client.get("/v1/me/wallets")).json()["data"] == []
    # ... but the attempt is on record and compliance is alerted.
    # (Other tests screen the same listed address for other customers: this one's are counted.)
    alerts = await alerts_about(sessions, "wallet_address", SEMENOV_ETH.lower())
    (alert,) = [a for a in alerts if str(a.customer_id) == me["id"]]
    assert (alert.source, alert.kind, alert.severity) == ("screening", "sanctions_address", "high")
    assert alert.evidence["entry_uid"] == "44718"
    records = await records_about(sessions, "wallet_address", SEMENOV_ETH.lower())
    (record,) = [r for r in records if str(r.customer_id) == me["id"]]
    assert (record.point, record.decision, record.entry_uid) == ("wallet_add", "hit", "44718")
    assert record.list_versions

    clean = "0x" + uuid.uuid4().hex + "0000cafe"
    saved = await person.client.post("/v1/me/wallets", json={"label": "mine", "address": clean})
    assert saved.status_code == 201, saved.text
    assert saved.json()["blocked"] is False
    (clear,) = await records_about(sessions, "wallet_address", clean.lower())
    assert clear.decision == "clear"


async def test_registration_and_bank_account_names_are_screened(
    stack: Stack, person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await load(sessions, CURRENT)
    email = f"rs.{uuid.uuid4().hex}@example.com"
    registered = await person.client.post(
        "/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Roman Semenov"},
    )
    assert registered.status_code == 201, registered.text  # a namesake may register
    customer_id = registered.json()["id"]
    (alert,) = await alerts_about(sessions, "customer", customer_id)
    assert (alert.kind, alert.evidence["entry_uid"]) == ("sanctions_name", "44718")
    assert "Roman Semenov" not in str(alert.evidence)  # codes and ids, not the name
    (record,) = await records_about(sessions, "customer", customer_id)
    assert (record.point, record.decision) == ("registration", "hit")

    # The fixture's own registration ("M") screened clear.
    me = (await person.client.get("/v1/me")).json()
    assert [r.decision for r in await records_about(sessions, "customer", me["id"])] == ["clear"]

    await enrol(person)
    added = await person.client.post(
        "/v1/me/bank-accounts",
        json={
            "holder_name": "SEMENOV, Roman",
            "currency": "EUR",
            "iban": "DE89370400440532013000",
        },
    )
    assert added.status_code == 201, added.text
    account_id = added.json()["id"]
    (held,) = await alerts_about(sessions, "bank_account", account_id)
    assert held.evidence["point"] == "bank_account_add"
    (bank_record,) = await records_about(sessions, "bank_account", account_id)
    assert bank_record.decision == "hit"


async def test_a_payout_to_a_newly_listed_address_is_held_before_signing(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The order passed its deposit screen; the address was listed before the payout was
    signed. The sender's check holds it: nothing is signed, the order waits for a person."""
    await load(sessions, CURRENT)
    now = datetime.now(UTC)
    customer = uuid.uuid4()
    held_id, fine_id = uuid7(), uuid7()
    clean = "0x" + uuid.uuid4().hex + "0000f00d"
    async with unit_of_work(sessions) as session:
        for order_id, to in ((held_id, SEMENOV_ETH), (fine_id, clean)):
            session.add(
                Order(
                    id=order_id,
                    customer_id=customer,
                    quote_id=uuid.uuid4(),
                    state="payout_queued",
                    source_currency="EUR",
                    source_amount=10_000,
                    target_currency="USDC",
                    quoted_target_amount=10_000_000,
                    target_amount=10_000_000,
                    destination_address=to,
                    creditor_reference=f"RF{uuid.uuid4().int % 10**20:020d}",
                    limit_eur=Decimal("100.00"),
                    created_at=now,
                    updated_at=now,
                )
            )
        await session.flush()
        await queue_payouts(
            session,
            [
                PayoutRequest(held_id, SEMENOV_ETH, Money.parse("10.000000", "USDC")),
                PayoutRequest(fine_id, clean, Money.parse("10.000000", "USDC")),
            ],
        )

    deadline = time.monotonic() + 60
    while True:
        async with sessions() as session:
            held = await session.get_one(Order, held_id)
            payouts = {
                p.order_id: p
                for p in await session.scalars(
                    select(Payout).where(Payout.order_id.in_([held_id, fine_id]))
                )
            }
        if held.state == "manual_review" and payouts[fine_id].status == "confirmed":
            break
        assert time.monotonic() < deadline, (held.state, payouts[fine_id].status)
        await asyncio.sleep(0.1)

    assert payouts[held_id].status == "held"
    assert payouts[held_id].tx_id is None  # never signed, never broadcast
    async with sessions() as session:
        history = await orders.history_of(session, held_id)
    assert history[-1].to_state == "manual_review"
    assert history[-1].reason is not None
    assert "44718" in history[-1].reason
    (alert,) = await alerts_about(sessions, "order", str(held_id))
    assert (alert.action, alert.order_id, alert.evidence["entry_uid"]) == (
        "hold",
        held_id,
        "44718",
    )
    points = {(r.point, r.decision) for r in await records_about(sessions, "order", str(held_id))}
    assert ("payout", "hit") in points
    assert ("payout", "clear") in {
        (r.point, r.decision) for r in await records_about(sessions, "order", str(fine_id))
    }

    # An officer finds it a false positive and releases it: the held payout itself goes back to
    # the queue (nothing is priced or posted again) and the pre-sign check lets it through.
    async with unit_of_work(sessions) as session:
        released = await review.release_held(
            session,
            [held_id],
            desk=FxDesk.from_settings(stack.settings.fx),
            actor="user:test-officer",
            reason="false positive",
        )
    assert released == [held_id]
    deadline = time.monotonic() + 60
    while True:
        async with sessions() as session:
            payout = await session.scalar(select(Payout).where(Payout.order_id == held_id))
            state = (await session.get_one(Order, held_id)).state
        assert payout is not None
        if payout.status == "confirmed" and state == "completed":
            break
        assert time.monotonic() < deadline, (payout.status, state)
        await asyncio.sleep(0.1)
    assert payout.released_at is not None
    async with sessions() as session:
        moves = [(h.from_state, h.to_state) for h in await orders.history_of(session, held_id)]
    assert moves[-3:] == [
        ("manual_review", "payout_queued"),
        ("payout_queued", "payout_broadcast"),
        ("payout_broadcast", "completed"),
    ]
    assert ("manual_review", "priced") not in moves


async def test_a_withdrawal_to_a_newly_listed_address_is_refused_before_signing(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The request passed its screen; the address was listed before the withdrawal was signed.
    The withdrawals worker screens it again: nothing is signed, the screen is on record and
    alerted."""
    await load(sessions, CURRENT)
    customer = uuid.uuid4()
    withdrawal_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            WalletWithdrawal(
                id=withdrawal_id,
                customer_id=customer,
                wallet_address="0x" + uuid.uuid4().hex + "0000beef",
                to_address=SEMENOV_ETH,
                amount=1_000_000,
                status="requested",
                idempotency_key=uuid.uuid4().hex,
            )
        )
    deadline = time.monotonic() + 60
    while True:
        async with sessions() as session:
            row = await session.get_one(WalletWithdrawal, withdrawal_id)
        if row.status != "requested":
            break
        assert time.monotonic() < deadline, "the withdrawals worker never looked at it"
        await asyncio.sleep(0.1)
    assert row.status == "failed"
    assert (row.failure or "").startswith("destination_sanctioned")
    assert row.tx_id is None  # never signed
    subject = SEMENOV_ETH.lower()
    points = {
        (r.point, r.decision) for r in await records_about(sessions, "wallet_address", subject)
    }
    assert ("withdrawal_presign", "hit") in points
    assert any(
        a.customer_id == customer for a in await alerts_about(sessions, "wallet_address", subject)
    )
