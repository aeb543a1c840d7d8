"""The client's requests without I/O: each operation is a :class:`Call` (or a generator of
them, for flows of several steps such as a login with a second factor), and :func:`answer`
turns a response into data or an :class:`ApiError`. ``Client`` and ``AsyncClient`` only send
them, so the two behave the same by construction."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from onramp_client.errors import ApiError
from onramp_client.totp import Authenticator

JSON = dict[str, Any]
Flow = Generator["Call", Any, Any]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] | None = None
    content: bytes | None = None
    basic_auth: tuple[str, str] | None = None

    def request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        params = {k: v for k, v in (self.params or {}).items() if v is not None}
        headers = dict(self.headers)
        if self.basic_auth is not None:
            pair = ":".join(self.basic_auth).encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return client.build_request(
            self.method, self.path, json=self.json, params=params, headers=headers,
            data=self.data, content=self.content,
        )  # fmt: skip


def create(path: str, body: Any, *, idempotency_key: str | None = None) -> Call:
    """A POST that creates something, under an Idempotency-Key: the caller's (to retry a create
    whose answer was lost, send the same key) or a fresh one."""
    return Call("POST", path, json=body, headers={"Idempotency-Key": idempotency_key or new_key()})


def register(email: str, password: str, full_name: str) -> Call:
    body = {"email": email, "password": password, "full_name": full_name}
    return Call("POST", "/v1/auth/register", json=body)


def quote(amount: str, currency: str = "EUR", target: str = "USDC") -> Call:
    body = {"source_currency": currency, "source_amount": amount, "target_currency": target}
    return Call("POST", "/v1/quotes", json=body)


def order(
    firm_quote: JSON, *, destination: str | None = None, idempotency_key: str | None = None
) -> Call:
    """An order on ``firm_quote`` (to ``destination``, else the customer's own wallet)."""
    body = {
        "quote_id": firm_quote["id"],
        "source_currency": firm_quote["source_currency"],
        "source_amount": firm_quote["source_amount"],
    } | ({"destination_address": destination} if destination else {})
    return create("/v1/orders", body, idempotency_key=idempotency_key)


def new_key() -> str:
    return str(uuid.uuid4())


def answer(response: httpx.Response) -> Any:
    """The body of a successful answer (``None`` when empty, text when not JSON), else an
    :class:`ApiError` from its problem+json."""
    if response.status_code >= 400:
        raise _error(response)
    if not response.content:
        return None
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return response.text


def _error(response: httpx.Response) -> ApiError:
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    code = str(problem.get("code") or problem.get("error") or f"http_{response.status_code}")
    retry_after = response.headers.get("retry-after")
    seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
    return ApiError(response.status_code, code, problem, seconds)


def login(email: str, password: str, *, totp: str | Authenticator | None = None) -> Flow:
    """Password, then the second factor if the account has one (``totp``: a code, or the
    :class:`Authenticator` of the enrolled secret): the tokens."""
    tokens = yield Call("POST", "/v1/auth/login", json={"email": email, "password": password})
    if tokens.get("mfa_required"):
        if totp is None:
            raise ValueError("this account has MFA: pass totp (a code or an Authenticator)")
        code = totp if isinstance(totp, str) else totp.code()
        tokens = yield Call(
            "POST", "/v1/auth/mfa", json={"mfa_token": tokens["mfa_token"], "code": code}
        )
    return tokens


def step_up(totp: str | Authenticator) -> Call:
    """A fresh second factor for the session (API keys, wallets, withdrawals need one)."""
    return Call(
        "POST", "/v1/auth/step-up", json={"code": totp if isinstance(totp, str) else totp.code()}
    )


def client_credentials(client_id: str, client_secret: str, scope: str | None = None) -> Call:
    """OAuth 2.0 client credentials: ``client_id`` is an API key's prefix, the secret the key."""
    form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
    return Call("POST", "/v1/oauth/token", data=form, basic_auth=(client_id, client_secret))


def pages(
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    cursor: str = "before",
    next_field: str = "next_before",
) -> Flow:
    """Every item of a list endpoint, page after page: ``?limit=&before=`` with the previous
    page's ``next_before`` (or the endpoint's own cursor pair, e.g. ``cursor``/``next_cursor``).
    Yields calls; the driver turns each page's ``data`` into items."""
    query = dict(params or {}) | ({"limit": limit} if limit else {})
    while True:
        page = yield Call("GET", path, params=query)
        after = page.get(next_field)
        if not after:
            return None
        query[cursor] = after
