"""``Client``: onramp's API over a blocking ``httpx.Client``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from onramp_client import calls
from onramp_client.calls import JSON, Call, Flow
from onramp_client.session import Session
from onramp_client.totp import Authenticator


class Client(Session):
    """``Client("http://127.0.0.1:8000")``; then sign in with :meth:`login`,
    :meth:`use_api_key` or :meth:`use_client_credentials`. Creating one makes no request."""

    http: httpx.Client

    def __init__(
        self, base_url: str, *, token: str | None = None, timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        if token:
            self.use_token(token)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def send(self, call: Call) -> Any:
        return calls.answer(self.http.send(call.request(self.http)))

    def run(self, flow: Flow) -> Any:
        """Drive a flow of several calls (each answer is sent back into it) to its result."""
        try:
            call = next(flow)
            while True:
                call = flow.send(self.send(call))
        except StopIteration as done:
            return done.value

    def login(self, email: str, password: str, *, totp: str | Authenticator | None = None) -> JSON:
        """Sign in (with the second factor if the account has one) and send the access token
        from now on."""
        flow = calls.login(email, password, totp=totp)
        tokens: JSON = self.run(flow)
        self.use_token(tokens["access_token"])
        return tokens

    def step_up(self, totp: str | Authenticator) -> None:
        self.send(calls.step_up(totp))

    def use_client_credentials(
        self, client_id: str, client_secret: str, scope: str | None = None
    ) -> JSON:
        token: JSON = self.send(calls.client_credentials(client_id, client_secret, scope))
        self.use_token(token["access_token"])
        return token

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.send(Call("GET", path, params=params))

    def post(self, path: str, body: Any = None) -> Any:
        return self.send(Call("POST", path, json=body))

    def put(self, path: str, body: Any = None) -> Any:
        return self.send(Call("PUT", path, json=body))

    def delete(self, path: str) -> Any:
        return self.send(Call("DELETE", path))

    def create(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return self.send(calls.create(path, body, idempotency_key=idempotency_key))

    def register(self, email: str, password: str, full_name: str) -> JSON:
        user: JSON = self.send(calls.register(email, password, full_name))
        return user

    def quote(self, amount: str, currency: str = "EUR") -> JSON:
        firm: JSON = self.send(calls.quote(amount, currency))
        return firm

    def create_order(
        self, quote: JSON, *, destination: str | None = None, idempotency_key: str | None = None
    ) -> JSON:
        """An order on ``quote``; retry with the same ``idempotency_key`` after a lost answer."""
        placed: JSON = self.send(
            calls.order(quote, destination=destination, idempotency_key=idempotency_key)
        )
        return placed

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
        cursor: str = "before", next_field: str = "next_before",
    ) -> Iterator[JSON]:  # fmt: skip
        """Every item of a list endpoint, fetching the next page only when needed."""
        flow = calls.pages(path, params, limit=limit, cursor=cursor, next_field=next_field)
        call = next(flow)
        while True:
            page = self.send(call)
            yield from page["data"]
            try:
                call = flow.send(page)
            except StopIteration:
                return
