"""What reviewers sent by hand (issue 14): control characters and out-of-range numbers are
refused with a 422 and store nothing, where they were a 500 or were stored; and amounts take
fewer decimals than their currency has, never more."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.corporate import Corporate, clock, corporate
from tests.e2e.mfa_people import PASSWORD, Person, enrol

__all__ = ["clock", "corporate"]  # fixtures

WALLET = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def refused_for_characters(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_characters"
    assert [e["location"][-1] for e in problem["errors"]] == [field]


async def test_a_nul_in_a_wallet_label_is_refused(person: Person) -> None:
    await enrol(person)
    r = await person.client.post("/v1/me/wallets", json={"label": "cold\x00", "address": WALLET})
    refused_for_characters(r, "label")
    assert (await person.client.get("/v1/me/wallets")).json()["data"] == []


async def test_a_nul_in_an_api_key_name_is_refused(corporate: Corporate) -> None:
    r = await corporate.client.post(
        "/v1/me/api-keys",
        json={"name": "bot\x00", "scopes": ["orders:read_own"]},
        headers=corporate.session,
    )
    refused_for_characters(r, "name")


async def test_a_huge_grace_period_is_refused_even_for_an_unknown_key(
    corporate: Corporate,
) -> None:
    r = await corporate.client.post(
        f"/v1/me/api-keys/{uuid.uuid4()}/rotate",
        content=b'{"grace_period_seconds": 1e20}',
        headers={**corporate.session, "content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "request_invalid"
    assert r.json()["errors"][0]["location"] == ["body", "grace_period_seconds"]


async def test_a_nul_in_a_full_name_is_refused_and_nothing_is_stored(person: Person) -> None:
    email = f"nul.{uuid.uuid4().hex}@example.com"
    r = await person.client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "A\x00B"}
    )
    refused_for_characters(r, "full_name")
    again = await person.client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "A B"}
    )
    assert again.status_code == 201, again.text  # the refused one took nothing


async def test_a_control_character_in_a_holder_name_is_refused(person: Person) -> None:
    r = await person.client.post(
        "/v1/me/bank-accounts",
        json={"holder_name": "Mira\x00Mustermann", "currency": "EUR", "iban": "BE68539007547034"},
    )
    refused_for_characters(r, "holder_name")
    assert (await person.client.get("/v1/me/bank-accounts")).json()["data"] == []


async def test_a_nul_in_a_query_parameter_is_refused(person: Person) -> None:
    r = await person.client.get("/v1/orders", params={"before": "\x00"})
    assert r.status_code == 422
    r = await person.client.get("/v1/compliance/screenings", params={"subject_id": "a\x00"})
    assert r.status_code in (403, 422)  # a customer may not read screenings: never a 500


async def _quote(person: Person, amount: str, currency: str) -> httpx.Response:
    return await person.client.post(
        "/v1/quotes", json={"source_currency": currency, "source_amount": amount}
    )


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("100", "EUR", "100.00"),
        ("100.0", "EUR", "100.00"),
        ("100.5", "EUR", "100.50"),
        ("100.00", "BHD", "100.000"),
        ("100", "BHD", "100.000"),
        ("10000", "JPY", "10000"),
    ],
)
async def test_fewer_decimals_than_the_currency_has_are_accepted(
    person: Person, amount: str, currency: str, shown: str
) -> None:
    r = await _quote(person, amount, currency)
    assert r.status_code == 201, r.text
    quote: dict[str, Any] = r.json()
    assert quote["source_amount"] == shown  # answers always carry the currency's decimals


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("100.000", "EUR"), ("100.001", "EUR"), ("100.0000", "BHD"), ("10000.0", "JPY")],
)
async def test_more_decimals_than_the_currency_has_are_refused(
    person: Person, amount: str, currency: str
) -> None:
    r = await _quote(person, amount, currency)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "amount_too_precise"
