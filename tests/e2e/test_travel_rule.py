"""The travel rule: orders worth 3,000 USD or more record originator and beneficiary (sealed),
and a self-hosted destination must have proven ownership first; smaller orders are unaffected.

The customers here hold an approved KYC tier-2 case (written by ``approve_kyc``): it supplies
the originator's name and address, and keeps these orders inside the tier limits.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp import orders
from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.travel_rule import TravelRuleRecord, purge_parties
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.kyc.models import KycCase
from onramp.wallets.models import DestinationWallet
from tests.e2e.conftest import pay, person_of_tier, place_order, wait_for_order
from tests.e2e.mfa_people import Person, enrol
from tests.e2e.test_kyc import compliance_officer
from tests.e2e.test_pii_at_rest import _as_text
from tests.e2e.test_wallet_ownership import challenge, prove, saved_wallet, sign

LARGE = "3000.00"  # EUR: about 3,350 USD at the sample rates, over the 3,000 USD default
SMALL = "2000.00"  # about 2,230 USD: under it


@pytest.fixture
async def person(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Person]:
    """No KYC case yet: ``approve_kyc`` writes the one whose identity the record carries."""
    async with person_of_tier(infra, engine, sessions, 0) as p:
        yield p


async def approve_kyc(
    sessions: async_sessionmaker[AsyncSession], person: Person, *, surname: str
) -> None:
    """An approved tier-2 KYC case, as the vendor's webhook would leave it."""
    me = (await person.client.get("/v1/me")).json()
    now = datetime.now(UTC)
    async with unit_of_work(sessions) as session:
        case = KycCase(
            id=uuid7(),
            customer_id=uuid.UUID(me["id"]),
            tier_requested=2,
            tier_granted=2,
            status="approved",
            vendor="sandbox",
            attempts=1,
            reasons=[],
            document_types=["passport", "proof_of_address"],
            created_at=now,
            submitted_at=now,
            reviewed_at=now,
            expires_at=now + timedelta(days=365),
        )
        case.given_names, case.surname = "Ada", surname
        case.address = (
            '{"line1": "Hauptstrasse 1", "line2": null, "city": "Berlin", '
            '"postal_code": "10115", "country": "DE"}'
        )
        session.add(case)


async def order(person: Person, amount: str, destination: str | None = None) -> httpx.Response:
    return await place_order(person.client, amount, destination)


async def records_of(
    sessions: async_sessionmaker[AsyncSession], order_id: str
) -> list[TravelRuleRecord]:
    async with sessions() as session:
        rows = await session.scalars(
            select(TravelRuleRecord).where(TravelRuleRecord.order_id == uuid.UUID(order_id))
        )
        return list(rows.all())


async def test_a_large_order_to_an_unproven_wallet_is_refused_until_it_is_proven(
    stack: Stack, person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    surname = f"Lovelace{uuid.uuid4().hex[:6]}"
    await approve_kyc(sessions, person, surname=surname)
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    async with sessions() as session:
        before = await session.scalar(select(func.count()).select_from(TravelRuleRecord))

    refused = await order(person, LARGE, key.address)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "wallet_ownership_unproven"
    assert f"/v1/me/wallets/{wallet['id']}/ownership-challenge" in problem["detail"]
    async with sessions() as session:  # refused: nothing written
        after = await session.scalar(select(func.count()).select_from(TravelRuleRecord))
    assert after == before

    small = await order(person, SMALL, key.address)  # under the threshold: unaffected
    assert small.status_code == 201, small.text
    assert await records_of(sessions, small.json()["id"]) == []

    issued = await challenge(person, wallet["id"])
    proof = await prove(
        person,
        wallet["id"],
        challenge_id=issued["challenge_id"],
        signature=sign(key, issued["message"]),
    )
    assert proof.status_code == 200, proof.text
    accepted = await order(person, LARGE, key.address)
    assert accepted.status_code == 201, accepted.text
    order_id = accepted.json()["id"]

    (row,) = await records_of(sessions, order_id)
    assert (row.beneficiary_custody, row.wallet_id, row.originator_verified) == (
        "self_hosted",
        uuid.UUID(wallet["id"]),
        True,
    )
    assert row.ownership_method == "eip191_personal_sign"
    assert row.usd_equivalent >= row.threshold_usd == 3000
    assert row.originator is not None
    assert surname in row.originator
    assert row.beneficiary is not None
    assert key.address in row.beneficiary

    # At rest the parties are sealed: no name or street in the raw row.
    async with sessions() as session:
        raw = (
            (
                await session.execute(
                    text("SELECT * FROM travel_rule_records WHERE order_id = :id"),
                    {"id": uuid.UUID(order_id)},
                )
            )
            .mappings()
            .one()
        )
    stored = " ".join(_as_text(v) for v in raw.values())
    for plain in (surname, "Hauptstrasse", "10115", "Berlin"):
        assert plain not in stored
        assert plain.encode().hex() not in stored
    assert {"originator_sealed", "beneficiary_sealed"} <= raw.keys()

    # Compliance officers read it opened; customers cannot.
    officer = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=officer) as client:
        seen = await client.get(f"/v1/compliance/travel-rule/orders/{order_id}")
        assert seen.status_code == 200, seen.text
        body = seen.json()
        assert body["originator"]["surname"] == surname
        assert body["originator"]["postal_address"]["city"] == "Berlin"
        assert body["beneficiary"]["same_as_originator"] is True
        assert body["beneficiary"]["custody"] == "self_hosted"
        assert body["originator_accounts"] == []  # not funded yet
        listed = await client.get("/v1/compliance/travel-rule/records", params={"limit": 500})
        assert order_id in [r["order_id"] for r in listed.json()["data"]]
        assert surname not in listed.text
        missing = await client.get(f"/v1/compliance/travel-rule/orders/{small.json()['id']}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "travel_rule_record_not_found"
    denied = await person.client.get(f"/v1/compliance/travel-rule/orders/{order_id}")
    assert denied.status_code == 403

    # After the retention period the parties go; amounts, custody and the proof stay.
    async with unit_of_work(sessions) as session:
        assert await purge_parties(session, customer_ids=[row.customer_id]) == 1
    (purged,) = await records_of(sessions, order_id)
    assert (purged.originator, purged.beneficiary) == (None, None)
    assert purged.ownership_method == "eip191_personal_sign"


async def test_own_custodial_and_hosted_wallets_need_no_proof(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await approve_kyc(sessions, person, surname="Hopper")
    own = await order(person, LARGE)
    assert own.status_code == 201, own.text
    (row,) = await records_of(sessions, own.json()["id"])
    assert (row.beneficiary_custody, row.wallet_id, row.ownership_method) == (
        "custodial",
        None,
        None,
    )
    # Recorded, so funding passes the travel-rule screen and pays; the record then shows the
    # bank account the money came from.
    await pay(bank, own.json(), sender_name="Ada Hopper")  # the customer's own (KYC) name
    await wait_for_order(person.client, own.json()["id"], "completed")
    officer = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=officer) as client:
        seen = (await client.get(f"/v1/compliance/travel-rule/orders/{own.json()['id']}")).json()
    assert [(a["sender_name"], a["sender_iban"]) for a in seen["originator_accounts"]] == [
        ("Ada Hopper", "GB33BUKB20201555555555")
    ]
    assert seen["beneficiary"]["vasp_name"] == "onramp"

    await enrol(person)
    address = Account.create().address
    hosted = await person.client.post(
        "/v1/me/wallets",
        json={
            "label": "exchange",
            "address": address,
            "custody": "hosted",
            "vasp_name": "Example Exchange GmbH",
        },
    )
    assert hosted.status_code == 201, hosted.text
    to_hosted = await order(person, LARGE, address)
    assert to_hosted.status_code == 201, to_hosted.text
    (row,) = await records_of(sessions, to_hosted.json()["id"])
    assert row.beneficiary_custody == "hosted"
    assert row.beneficiary is not None
    assert "Example Exchange GmbH" in row.beneficiary


async def test_funding_holds_a_large_order_whose_proof_or_record_went_missing(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Defence in depth: should an order at the threshold reach funding without its record or
    to an unproven self-hosted wallet (a bug, a hand-edited row), it is held, not paid."""
    await approve_kyc(sessions, person, surname="Turing")
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    issued = await challenge(person, wallet["id"])
    signature = sign(key, issued["message"])
    proven = await prove(
        person, wallet["id"], challenge_id=issued["challenge_id"], signature=signature
    )
    assert proven.status_code == 200
    created = await order(person, LARGE, key.address)
    assert created.status_code == 201, created.text
    placed = created.json()
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(DestinationWallet)
            .where(DestinationWallet.id == uuid.UUID(wallet["id"]))
            .values(ownership_proven_at=None, ownership_method=None)
        )
        await session.execute(
            delete(TravelRuleRecord).where(TravelRuleRecord.order_id == uuid.UUID(placed["id"]))
        )

    await pay(bank, placed, sender_name="Ada Turing")
    held = await wait_for_order(person.client, placed["id"], "manual_review")
    assert held["history"][-1]["reason"] == "held for a compliance review"
    async with sessions() as session:
        internal = (await orders.history_of(session, uuid.UUID(placed["id"])))[-1].reason
    assert internal is not None
    assert "travel rule" in internal
    async with sessions() as session:
        alerts = (
            await session.scalars(
                select(ComplianceAlert)
                .where(ComplianceAlert.order_id == uuid.UUID(placed["id"]))
                .order_by(ComplianceAlert.kind)
            )
        ).all()
    assert [(a.source, a.kind, a.action) for a in alerts] == [
        ("travel_rule", "travel_rule_record_missing", "hold"),
        ("travel_rule", "wallet_ownership_unproven", "hold"),
    ]
    assert alerts[1].evidence["wallet_id"] == wallet["id"]


async def test_a_small_order_is_paid_without_any_proof(
    person: Person, bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await approve_kyc(sessions, person, surname="Babbage")
    key: LocalAccount = Account.create()
    await saved_wallet(person, key)
    created = await order(person, "100.00", key.address)
    assert created.status_code == 201, created.text
    await pay(bank, created.json(), sender_name="Ada Babbage")
    done = await wait_for_order(person.client, created.json()["id"], "completed")
    assert done["payout"]["to"] == key.address
    assert await records_of(sessions, done["id"]) == []
