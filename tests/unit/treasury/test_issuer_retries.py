"""The issuer adapter over a flaky issuer: reads and keyed creates are asked again after a
transient failure, with the API key on every attempt; refused credentials are not retried."""

from __future__ import annotations

import httpx
import pytest

from onramp.core.money import Money
from onramp.treasury.issuer.circle import CircleMintIssuer, key_for
from onramp.treasury.issuer.errors import IssuerNotConfigured, IssuerUnavailable
from tests.unit.core.scripted_vendor import NO_WAIT, ScriptedVendor

TRANSFER = {
    "id": "tr_1",
    "status": "pending",
    "amount": {"amount": "10.00", "currency": "USD"},
    "destination": {"type": "blockchain", "address": "0xabc", "chain": "ETH"},
}


def issuer(vendor: ScriptedVendor) -> CircleMintIssuer:
    return CircleMintIssuer(
        base_url="http://issuer",
        api_key="KEY:1",
        webhook_secret=b"s",
        transport=vendor.transport(),
        retry=NO_WAIT,
    )


async def test_a_keyed_transfer_is_asked_again_after_a_503_with_the_key_each_time() -> None:
    scripted = ScriptedVendor([httpx.Response(503), httpx.Response(201, json={"data": TRANSFER})])
    circle = issuer(scripted)

    transfer = await circle.create_transfer(
        recipient_id="r1", amount=Money.parse("10", "USDC"), idempotency_key=key_for("t", "1")
    )

    assert transfer.id == "tr_1"
    assert len(scripted.received) == 2
    assert scripted.received[0].content == scripted.received[1].content
    assert {r.headers["authorization"] for r in scripted.received} == {"Bearer KEY:1"}


async def test_refused_credentials_are_issuer_unavailable_at_once() -> None:
    scripted = ScriptedVendor([httpx.Response(401, json={"code": 401, "message": "Malformed key"})])
    circle = issuer(scripted)

    with pytest.raises(IssuerUnavailable, match="401") as caught:
        await circle.get_transfer("tr_1")

    assert len(scripted.received) == 1
    assert caught.value.code == "issuer_unavailable"


async def test_an_issuer_error_page_is_issuer_unavailable() -> None:
    scripted = ScriptedVendor([httpx.Response(404, content=b"<html>no</html>")])
    circle = issuer(scripted)

    with pytest.raises(IssuerUnavailable, match="without a readable body"):
        await circle.get_transfer("tr_1")


async def test_no_issuer_url_is_issuer_not_configured() -> None:
    circle = CircleMintIssuer(base_url="", api_key="", webhook_secret=b"s")

    with pytest.raises(IssuerNotConfigured):
        await circle.balance()
