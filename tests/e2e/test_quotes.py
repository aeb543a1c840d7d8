"""Quotes over the API: by source or target amount, a server-bounded lifetime, signed terms an
order checks (altered: refused), and an order funded after its quote expired priced at the
market with the rule stated on the order and in the pricing report."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.reports import Period, ReportFormat, pricing_document
from tests.e2e.conftest import Customer, pay
from tests.e2e.mfa_people import Person


async def _quote(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post("/v1/quotes", json={"source_currency": "EUR", **body})


async def _order(client: httpx.AsyncClient, quote: dict[str, Any], **extra: Any) -> httpx.Response:
    return await client.post(
        "/v1/orders",
        json={
            "quote_id": quote["id"],
            "source_currency": quote["source_currency"],
            "source_amount": quote["source_amount"],
            **extra,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def _lifetime(quote: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(quote["expires_at"]) - datetime.fromisoformat(quote["created_at"])


async def test_a_target_amount_quote_delivers_at_least_the_target(person: Person) -> None:
    r = await _quote(person.client, target_amount="1000.000000")
    assert r.status_code == 201, r.text
    quote = r.json()
    assert quote["side"] == "target"
    assert Decimal(quote["target_amount"]) >= Decimal("1000")
    # the least euro amount: one cent less would deliver less than the target
    assert Decimal(quote["target_amount"]) - Decimal("1000") < Decimal("0.02")
    assert quote["mid_rate"] == "1.1252"
    assert quote["spread_bps"] == 20
    assert quote["tier"] == 2
    assert quote["rates_source"] == "ecb"
    assert quote["signature"].startswith("v1:")
    assert (
        await _order(person.client, quote, quote_signature=quote["signature"])
    ).status_code == 201


async def test_source_or_target_not_both(person: Person) -> None:
    r = await _quote(person.client, source_amount="100.00", target_amount="100.000000")
    assert (r.status_code, r.json()["code"]) == (422, "quote_amount_ambiguous")


async def test_offered_currencies_and_bhd_from_the_static_source(person: Person) -> None:
    bhd = await person.client.post(
        "/v1/quotes", json={"source_currency": "BHD", "source_amount": "100.000"}
    )
    assert bhd.status_code == 201, bhd.text
    assert bhd.json()["rates_source"] == "ecb,static"
    assert bhd.json()["spread_bps"] == 50  # 20 for the tier, 30 for BHD
    jpy = await person.client.post(
        "/v1/quotes", json={"source_currency": "JPY", "source_amount": "20000"}
    )
    assert jpy.status_code == 201, jpy.text
    nok = await person.client.post(
        "/v1/quotes", json={"source_currency": "NOK", "source_amount": "1000.00"}
    )
    assert (nok.status_code, nok.json()["code"]) == (422, "unsupported_currency_pair")


async def test_the_lifetime_is_bounded_by_the_server(person: Person, infra: Stack) -> None:
    short = (await _quote(person.client, source_amount="100.00", ttl_seconds=60)).json()
    assert _lifetime(short) == timedelta(seconds=60)
    long = (await _quote(person.client, source_amount="100.00", ttl_seconds=86_400)).json()
    assert _lifetime(long) == timedelta(seconds=infra.settings.fx.quote_ttl_seconds)


async def test_a_quote_expires_at_its_shorter_lifetime(person: Person) -> None:
    quote = (await _quote(person.client, source_amount="100.00", ttl_seconds=30)).json()
    person.clock.set(person.clock.now() + timedelta(seconds=31))
    r = await _order(person.client, quote)
    assert (r.status_code, r.json()["code"]) == (409, "quote_expired")


async def test_another_signature_is_refused(person: Person) -> None:
    quote = (await _quote(person.client, source_amount="100.00")).json()
    other = (await _quote(person.client, source_amount="100.00")).json()
    r = await _order(person.client, quote, quote_signature=other["signature"])
    assert (r.status_code, r.json()["code"]) == (422, "quote_signature_invalid")
    assert (await person.client.get("/v1/orders")).json()["data"] == []


async def test_a_quote_backs_one_order(person: Person) -> None:
    quote = (await _quote(person.client, source_amount="100.00")).json()
    assert (await _order(person.client, quote)).status_code == 201
    again = await _order(person.client, quote)  # a new Idempotency-Key: a new order
    assert (again.status_code, again.json()["code"]) == (409, "quote_already_used")
    assert again.headers["content-type"] == "application/problem+json"
    assert len((await person.client.get("/v1/orders")).json()["data"]) == 1


async def test_two_orders_racing_on_one_quote_make_one_order(person: Person) -> None:
    quote = (await _quote(person.client, source_amount="100.00")).json()
    answers = await asyncio.gather(*(_order(person.client, quote) for _ in range(4)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 409, 409, 409], [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"quote_already_used"}
    assert len((await person.client.get("/v1/orders")).json()["data"]) == 1


async def test_an_altered_stored_quote_is_refused(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    quote = (await _quote(person.client, source_amount="100.00")).json()
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE quotes SET target_amount = target_amount * 2 WHERE id = :id"),
            {"id": uuid.UUID(quote["id"])},
        )
    r = await _order(person.client, quote)
    assert (r.status_code, r.json()["code"]) == (422, "quote_signature_invalid")


async def test_funds_after_expiry_are_priced_at_the_market(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient, session: AsyncSession
) -> None:
    r = await customer.client.post(
        "/v1/quotes",
        json={"source_currency": "EUR", "source_amount": "300.00", "ttl_seconds": 10},
    )
    quote = r.json()
    order = await customer.order(quote)
    await asyncio.sleep(10.5)
    await pay(bank, order)
    done = await customer.wait_for(order["id"], "completed")
    assert done["pricing_rule"] == "market_at_funds"
    assert "after the quote expired" in done["pricing_note"]
    assert done["quoted_rate"] == quote["rate"]
    difference = Decimal(done["target_amount"]) - Decimal(done["quoted_target_amount"])
    assert Decimal(done["price_difference"]) == difference
    today = datetime.fromisoformat(done["updated_at"]).date()
    document = await pricing_document(
        session,
        templates=stack.settings.compliance.report_templates_dir,
        period=Period(today, today),
        fmt=ReportFormat.JSON,
        actor="test",
    )
    assert order["id"] in document.content
    assert "market_at_funds" in document.content
