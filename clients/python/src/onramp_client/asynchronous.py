"""``AsyncClient``: onramp's API over an ``httpx.AsyncClient`` (as ``Client``, awaited)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from onramp_client import calls
from onramp_client.calls import JSON, Call, Flow
from onramp_client.session import Session
from onramp_client.totp import Authenticator


class AsyncClient(Session):
    """``AsyncClient("http://127.0.0.1:8000")``; then sign in with :meth:`login`,
    :meth:`use_api_key` or :meth:`use_client_credentials`. Creating one makes no request."""

    http: httpx.AsyncClient

    def __init__(
        self, base_url: str, *, token: str | None = None, timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        if token:
            self.use_token(token)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def send(self, call: Call) -> Any:
        return calls.answer(await self.http.send(call.request(self.http)))

    async def run(self, flow: Flow) -> Any:
        """Drive a flow of several calls (each answer is sent back into it) to its result."""
        try:
            call = next(flow)
            while True:
                call = flow.send(await self.send(call))
        except StopIteration as done:
            return done.value

    async def login(
        self, email: str, password: str, *, totp: str | Authenticator | None = None
    ) -> JSON:
        """Sign in (with the second factor if the account has one) and send the access token
        from now on."""
        tokens: JSON = await self.run(calls.login(email, password, totp=totp))
        self.use_token(tokens["access_token"])
        return tokens

    async def step_up(self, totp: str | Authenticator) -> None:
        await self.send(calls.step_up(totp))

    async def use_client_credentials(
        self, client_id: str, client_secret: str, scope: str | None = None
    ) -> JSON:
        token: JSON = await self.send(calls.client_credentials(client_id, client_secret, scope))
        self.use_token(token["access_token"])
        return token

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.send(Call("GET", path, params=params))

    async def post(self, path: str, body: Any = None) -> Any:
        return await self.send(Call("POST", path, json=body))

    async def put(self, path: str, body: Any = None) -> Any:
        return await self.send(Call("PUT", path, json=body))

    async def delete(self, path: str) -> Any:
        return await self.send(Call("DELETE", path))

    async def create(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return await self.send(calls.create(path, body, idempotency_key=idempotency_key))

    async def register(self, email: str, password: str, full_name: str) -> JSON:
        user: JSON = await self.send(calls.register(email, password, full_name))
        return user

    async def quote(self, amount: str, currency: str = "EUR") -> JSON:
        firm: JSON = await self.send(calls.quote(amount, currency))
        return firm

    async def create_order(
        self, quote: JSON, *, destination: str | None = None, idempotency_key: str | None = None
    ) -> JSON:
        """An order on ``quote``; retry with the same ``idempotency_key`` after a lost answer."""
        placed: JSON = await self.send(
            calls.order(quote, destination=destination, idempotency_key=idempotency_key)
        )
        return placed

    async def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
        cursor: str = "before", next_field: str = "next_before",
    ) -> AsyncIterator[JSON]:  # fmt: skip
        """Every item of a list endpoint, fetching the next page only when needed."""
        flow = calls.pages(path, params, limit=limit, cursor=cursor, next_field=next_field)
        call = next(flow)
        while True:
            page = await self.send(call)
            for item in page["data"]:
                yield item
            try:
                call = flow.send(page)
            except StopIteration:
                return
