"""Support's customer desk over HTTP, on an in-process API and the real database: a customer
found by email, name, id, IBAN and wallet address (a staff account never), read in one place,
frozen with a reason (audited), refused a quote and an order while frozen (nothing written), and
served again once unfrozen; an auditor reads but neither freezes nor unfreezes; a customer reads
nothing."""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.banking.accounts.account_numbers import parse_iban
from onramp.banking.accounts.customer_accounts import add_bank_account
from onramp.core.audit import AuditRecord, record
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.fx.models import Quote
from onramp.orders.models import Order
from onramp.wallets import address_book
from tests.compliance import conftest as compliance
from tests.compliance.conftest import Staff, StaffFactory
from tests.e2e.conftest import grant_kyc_tier, mark_email_verified
from tests.e2e.mfa_people import PASSWORD
from tests.ibans import fresh_iban

pytestmark = pytest.mark.integration

default_desk = compliance.default_desk
URL = "/v1/admin/customers"


def _name() -> str:
    letters = "".join(random.choices(string.ascii_lowercase, k=10))  # noqa: S311
    return f"Ottilie {letters.capitalize()}"


async def _customer(desk: Staff, infra: Stack, name: str) -> tuple[Staff, str]:
    """A customer (email confirmed, KYC tier 2) on the desk's API, and their email."""
    email = f"Cust.{uuid.uuid4().hex}@Example.com"
    r = await desk.client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
    )
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]
    await mark_email_verified(infra.settings.database.url, user_id)
    await grant_kyc_tier(infra.settings.database.url, user_id, 2)
    login = await desk.client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    return Staff(desk.client, user_id, token), email


async def _quote(customer: Staff) -> dict[str, str]:
    r = await customer.post(
        "/v1/quotes",
        {"source_currency": "EUR", "source_amount": "100.00", "target_currency": "USDC"},
    )
    assert r.status_code == 201, r.text
    body: dict[str, str] = r.json()
    return body


async def _order(customer: Staff, quote: dict[str, str]) -> tuple[int, dict[str, str]]:
    r = await customer.client.post(
        "/v1/orders",
        json={
            "quote_id": quote["id"],
            "source_currency": quote["source_currency"],
            "source_amount": quote["source_amount"],
        },
        headers={**customer.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    return r.status_code, r.json()


async def _count(
    sessions: async_sessionmaker[AsyncSession], model: type[Quote] | type[Order], user_id: str
) -> int:
    async with sessions() as session:
        found = await session.scalar(
            select(func.count()).select_from(model).where(model.customer_id == uuid.UUID(user_id))
        )
    return int(found or 0)


async def test_support_finds_a_customer_by_each_key_and_reads_them(
    default_desk: StaffFactory, infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    support = await default_desk("support")
    name = _name()
    customer, email = await _customer(support, infra, name)
    iban, address = fresh_iban(), Web3.to_checksum_address("0x" + uuid.uuid4().hex + "00c0ffee")
    async with unit_of_work(sessions) as session:
        owner = uuid.UUID(customer.user_id)
        now = datetime.now(UTC)
        await add_bank_account(
            session, customer_id=owner, holder_name=name, account=parse_iban(iban),
            currency="EUR", now=now,
        )  # fmt: skip
        await address_book.add_wallet(
            session, customer_id=owner, label="cold", address=address, now=now
        )

    spaced_iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    for q, kind in (
        (email.upper(), "email"),
        (name.split()[1].upper(), "name"),
        (customer.user_id, "id"),
        (spaced_iban, "iban"),
        (address.lower(), "wallet"),
    ):
        found = await support.get(URL, params={"q": q})
        assert found.status_code == 200, found.text
        assert found.json()["matched_by"] == kind, q
        assert [c["id"] for c in found.json()["data"]] == [customer.user_id], q
    assert found.json()["data"][0]["email"] == email.lower()
    assert found.json()["data"][0]["frozen"] is None

    staff_id = await support.get(URL, params={"q": support.user_id})
    assert staff_id.json()["data"] == []
    nobody = await support.get(URL, params={"q": f"nobody.{uuid.uuid4().hex}@example.com"})
    assert nobody.json()["data"] == []
    too_short = await support.get(URL, params={"q": "x"})
    assert too_short.status_code == 422
    assert too_short.json()["code"] == "customer_search_invalid"

    seen = await support.get(f"{URL}/{customer.user_id}")
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert (body["customer"]["full_name"], body["kyc"]["tier"]) == (name, 2)
    assert [c["status"] for c in body["kyc_history"]] == ["approved"]
    # Every verdict and decision on the customer's cases, newest first (the audit log's).
    case_id = body["kyc_history"][0]["id"]
    async with unit_of_work(sessions) as session:
        for action, verdict in (
            ("kyc.case_needs_more_info", "needs_more_info"),
            ("kyc.case_approved", "approved"),
        ):
            await record(
                session, actor="kyc_vendor:sandbox", action=action, entity_type="kyc_case",
                entity_id=case_id, data={"verdict": verdict, "reasons": ["doc"], "tier_granted": 2},
            )  # fmt: skip
    decisions = (await support.get(f"{URL}/{customer.user_id}")).json()["kyc_decisions"]
    assert [(d["action"], d["verdict"]) for d in decisions][:2] == [
        ("kyc.case_approved", "approved"),
        ("kyc.case_needs_more_info", "needs_more_info"),
    ]
    assert {d["case_id"] for d in decisions} == {case_id}
    assert body["limits"]["tier"] == 2
    assert (body["orders"], body["cases"], body["holds"]) == ([], [], [])
    assert [s["revoked_at"] for s in body["sessions"]] == [None]
    for unknown in (str(uuid.uuid4()), support.user_id):
        missing = await support.get(f"{URL}/{unknown}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "customer_not_found"


async def test_name_search_pages_newest_first(default_desk: StaffFactory, infra: Stack) -> None:
    support = await default_desk("support")
    name = _name()
    ids = [(await _customer(support, infra, name))[0].user_id for _ in range(3)]

    first = await support.get(URL, params={"q": name, "limit": 2})
    assert [c["id"] for c in first.json()["data"]] == ids[::-1][:2]
    before = first.json()["next_before"]
    assert before == ids[1]
    rest = await support.get(URL, params={"q": name, "limit": 2, "before": before})
    assert [c["id"] for c in rest.json()["data"]] == [ids[0]]
    assert rest.json()["next_before"] is None


async def test_a_name_no_key_opens_is_passed_over_not_a_failed_search(
    default_desk: StaffFactory, infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A sealed name bound to another row (as a restore from elsewhere would leave it) cannot
    be opened: the search goes on without it instead of answering 500."""
    support = await default_desk("support")
    name = _name()
    unreadable = (await _customer(support, infra, _name()))[0].user_id
    wanted = (await _customer(support, infra, name))[0].user_id
    async with unit_of_work(sessions) as session:
        await session.execute(
            text(
                "UPDATE users SET full_name_sealed = (SELECT full_name_sealed FROM users"
                " WHERE id = :other) WHERE id = :id"
            ),
            {"id": unreadable, "other": wanted},
        )

    found = await support.get(URL, params={"q": name})

    assert found.status_code == 200, found.text
    assert [c["id"] for c in found.json()["data"]] == [wanted]


async def test_a_frozen_customer_gets_no_quote_and_no_order_until_unfrozen(
    default_desk: StaffFactory, infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    support, auditor = await default_desk("support"), await default_desk("auditor")
    customer, _ = await _customer(support, infra, _name())
    quote = await _quote(customer)  # priced before the hold
    url = f"{URL}/{customer.user_id}"

    no_reason = await support.post(f"{url}/freeze", {})
    assert no_reason.status_code == 422
    by_auditor = await auditor.post(f"{url}/freeze", {"reason": "looks odd"})
    assert by_auditor.status_code == 403
    assert by_auditor.json()["code"] == "permission_denied"
    frozen = await support.post(f"{url}/freeze", {"reason": "Caller claims the login is stolen"})
    assert frozen.status_code == 200, frozen.text
    assert frozen.json()["frozen"]["reason"] == "Caller claims the login is stolen"
    assert frozen.json()["frozen"]["frozen_by"] == support.user_id
    again = await support.post(f"{url}/freeze", {"reason": "twice"})
    assert (again.status_code, again.json()["code"]) == (409, "customer_already_frozen")

    quotes, orders = await _count(sessions, Quote, customer.user_id), 0
    refused = await customer.post(
        "/v1/quotes",
        {"source_currency": "EUR", "source_amount": "100.00", "target_currency": "USDC"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "customer_frozen")
    status, body = await _order(customer, quote)
    assert (status, body["code"]) == (403, "customer_frozen")
    assert await _count(sessions, Quote, customer.user_id) == quotes
    assert await _count(sessions, Order, customer.user_id) == orders
    assert (await auditor.get(url)).json()["customer"]["frozen"] is not None

    assert (await auditor.post(f"{url}/unfreeze", {"reason": "fine"})).status_code == 403
    lifted = await support.post(f"{url}/unfreeze", {"reason": "Customer proved who they are"})
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["frozen"] is None
    not_frozen = await support.post(f"{url}/unfreeze", {"reason": "twice"})
    assert (not_frozen.status_code, not_frozen.json()["code"]) == (409, "customer_not_frozen")
    status, body = await _order(customer, await _quote(customer))
    assert status == 201, body

    holds = (await support.get(url)).json()["holds"]
    assert [(h["action"], h["reason"]) for h in holds] == [
        ("customer.frozen", "Caller claims the login is stolen"),
        ("customer.unfrozen", "Customer proved who they are"),
    ]
    async with sessions() as session:
        actors = (
            await session.scalars(
                select(AuditRecord.actor).where(
                    AuditRecord.entity_id == customer.user_id,
                    AuditRecord.action.in_(("customer.frozen", "customer.unfrozen")),
                )
            )
        ).all()
    assert actors == [f"user:{support.user_id}"] * 2


async def test_a_customer_reads_no_one_and_freezes_no_one(default_desk: StaffFactory) -> None:
    customer = await default_desk("customer")
    listed = await customer.get(URL, params={"q": customer.user_id})
    assert (listed.status_code, listed.json()["code"]) == (403, "permission_denied")
    own = await customer.post(f"{URL}/{customer.user_id}/unfreeze", {"reason": "let me go"})
    assert own.status_code == 403
