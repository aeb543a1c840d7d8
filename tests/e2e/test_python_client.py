"""onramp_client against the running stack, through its async client (the sync one drives the
examples: tests/e2e/test_examples.py): each way of signing in, creates under Idempotency-Keys,
cursor pages, and errors as ApiError with their codes."""

from __future__ import annotations

import uuid

import pytest

from onramp.devstack.stack import Stack
from onramp_client import ApiError, AsyncClient, Authenticator
from tests.e2e.conftest import emailed_token, grant_kyc_tier
from tests.e2e.mfa_people import PASSWORD

TRADING = ["quotes:create", "orders:create", "orders:read_own"]


async def _customer(api: AsyncClient, stack: Stack) -> str:
    email = f"client.{uuid.uuid4().hex}@example.com"
    user = await api.register(email, PASSWORD, "Client Test")
    token = await emailed_token(stack, to=email, link_path="/verify-email")
    await api.post("/v1/auth/email-verification", {"token": token})
    await grant_kyc_tier(stack.settings.database.url, user["id"], 2)
    return email


async def test_sign_in_with_totp_then_an_api_key_and_client_credentials(stack: Stack) -> None:
    async with AsyncClient(stack.api_url) as api:
        email = await _customer(api, stack)
        await api.login(email, PASSWORD)
        authenticator = Authenticator((await api.post("/v1/me/mfa/totp"))["secret"])
        await api.post("/v1/me/mfa/totp/confirm", {"code": authenticator.code()})
        with pytest.raises(ApiError) as no_code:
            await api.login(email, PASSWORD, totp="000000")
        assert (no_code.value.status, no_code.value.code) == (401, "invalid_mfa_code")
        # The same step's code was just used to confirm: the authenticator offers the next one.
        tokens = await api.login(email, PASSWORD, totp=authenticator)
        assert tokens["token_type"] == "bearer"
        key = await api.create("/v1/me/api-keys", {"name": "bot", "scopes": TRADING})

    async with AsyncClient(stack.api_url) as bot:
        bot.use_api_key(key["key"])
        assert (await bot.quote("100.00"))["source_amount"] == "100.00"
        granted = await bot.use_client_credentials(key["prefix"], key["key"], "orders:read_own")
        assert granted["scope"] == "orders:read_own"
        assert (await bot.get("/v1/orders"))["data"] == []
        with pytest.raises(ApiError) as narrowed:
            await bot.quote("100.00")
        assert narrowed.value.code == "insufficient_scope"
    async with AsyncClient(stack.api_url) as stranger:
        with pytest.raises(ApiError) as refused:
            await stranger.use_client_credentials(key["prefix"], "onr_live_wrong")
        assert refused.value.code == "invalid_client"


async def test_creates_replay_under_their_key_and_lists_page_by_page(stack: Stack) -> None:
    async with AsyncClient(stack.api_url) as api:
        await api.login(await _customer(api, stack), PASSWORD)
        placed = [await api.create_order(await api.quote(f"{10 + i}.00")) for i in range(3)]
        quote = await api.quote("20.00")
        key = str(uuid.uuid4())
        first = await api.create_order(quote, idempotency_key=key)
        assert (await api.create_order(quote, idempotency_key=key))["id"] == first["id"]
        with pytest.raises(ApiError) as reused:
            await api.create_order(await api.quote("21.00"), idempotency_key=key)
        assert (reused.value.status, reused.value.code) == (409, "idempotency_key_reused")

        listed = [order["id"] async for order in api.paginate("/v1/orders", limit=1)]
        assert listed == [first["id"], *(o["id"] for o in reversed(placed))]
        filtered = api.paginate("/v1/orders", {"state": "completed"}, limit=2)
        assert [order async for order in filtered] == []
        with pytest.raises(ApiError) as missing:
            await api.get(f"/v1/orders/{uuid.uuid4()}")
        assert (missing.value.status, missing.value.code) == (404, "order_not_found")
