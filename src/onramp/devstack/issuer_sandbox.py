"""Sandmint: a local stand-in for a USDC issuer's sandbox, shaped like Circle Mint's.

The operator registers the bank account it wires from and gets wire instructions with a
``trackingRef``; the sandbox's mock wire stands for that wire arriving, and a moment later the
account's balance is credited. A transfer to a registered (verified) blockchain address mints
TestUSDC on the chain with the sandbox's own minter key and completes once the receipt is in.
Redeeming goes the other way: USDC sent to the account's deposit address is seen on-chain,
credited and burned, and a payout sends the fiat to a registered wire bank account. State is in
memory: it simulates the vendor, it is not part of the system under test.

Run it as its own process::

    python -m onramp.devstack.issuer_sandbox --port 8097 --rpc-url http://127.0.0.1:8545 \
        --usdc 0x... --webhook-url http://127.0.0.1:8000/v1/webhooks/issuer/sandbox

(the webhook secret comes from ``SANDMINT_WEBHOOK_SECRET``, the minter key from
``SANDMINT_MINTER_KEY``, defaulting to anvil's test account #6; see ``docs/issuer.md``.)

HTTP API (every answer ``{"data": ...}``; errors ``{"code": <int>, "message": "..."}``)
-------------------------------------------------------------------------------------
``POST /v1/businessAccount/banks/wires``, ``GET .../banks/wires/{id}``,
``GET .../banks/wires/{id}/instructions``; ``POST /v1/mocks/payments/wire``;
``GET /v1/businessAccount/deposits``; ``GET /v1/businessAccount/balances``;
``POST /v1/businessAccount/wallets/addresses/recipient``;
``POST /v1/businessAccount/wallets/addresses/deposit``;
``POST /v1/businessAccount/transfers``, ``GET .../transfers/{id}``;
``POST /v1/businessAccount/payouts``, ``GET .../payouts/{id}``; ``GET /healthz``; the failure
injection at ``/_faults`` every sandbox has (``sandbox_kit/faults.py``).

Every POST takes an ``idempotencyKey`` (a UUID): the same key with the same body answers the same
resource; with another body, 409 (code 1100). Amounts are ``{"amount": "1000.00", "currency":
"USD"}``; 1 USD of balance is 1 USDC (10**6 base units).

Webhooks: ``POST <webhook-url>`` with ``{"notificationId", "clientId", "notificationType":
"deposits" | "transfers" | "payouts", "version": 1, "deposit" | "transfer" | "payout": {...}}``
and ``Sandmint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}." + body)>``
(delivered and retried by ``sandbox_kit`` as the other sandboxes' are). Magic value: a transfer
of exactly ``13.13`` USD fails (``errorCode: "transfer_failed"``) and its amount is given back
to the balance.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from onramp.core.settings import ANVIL_DEPLOYER_KEY, Settings
from onramp.devstack.issuer_sandbox_chain import (
    SANDBOX_MINTER_KEY,
    AnvilToken,
    IssuerToken,
    configure_minter,
    minter_address,
)
from onramp.devstack.issuer_sandbox_state import SandboxError, Sandmint, Timing
from onramp.devstack.process import SANDBOX_START_TIMEOUT
from onramp.devstack.sandbox_kit import (
    RunningSandbox,
    WebhookTarget,
    sandbox_app,
    sandbox_arguments,
    serve,
    start_sandbox,
)

__all__ = [
    "SECRET_ENV",
    "IssuerSandbox",
    "create_app",
    "main",
    "start_issuer_sandbox",
    "start_issuer_sandbox_on",
]

_log = logging.getLogger("onramp.devstack.issuer_sandbox")

SECRET_ENV = "SANDMINT_WEBHOOK_SECRET"  # noqa: S105 - the variable name, not a secret
KEY_ENV = "SANDMINT_MINTER_KEY"
API_KEY_ENV = "SANDMINT_API_KEY"
_USD = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?")


def parse_usd(amount: Any) -> int:
    """``{"amount": "1000.00", "currency": "USD"}`` in USDC base units (1 USD = 10**6)."""
    if not isinstance(amount, dict) or amount.get("currency") != "USD":
        raise SandboxError(400, 2, "amount must be {amount, currency: USD}")
    value = amount.get("amount")
    if not isinstance(value, str) or not _USD.fullmatch(value) or Decimal(value) <= 0:
        raise SandboxError(400, 2, "amount.amount must be a positive decimal with 2 decimals")
    return int(Decimal(value) * 10**6)


def _field(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value in (None, ""):
        raise SandboxError(400, 2, f"{name} is required")
    return value


def _key(body: dict[str, Any]) -> str:
    key = _field(body, "idempotencyKey")
    try:
        uuid.UUID(str(key))
    except ValueError:
        raise SandboxError(400, 2, "idempotencyKey must be a UUID") from None
    return str(key)


def _ok(resource: dict[str, Any], status: int = 200) -> JSONResponse:
    public = {k: v for k, v in resource.items() if not k.startswith("_")}  # our bookkeeping
    return JSONResponse({"data": public}, status_code=status)


def _idempotent(
    mint: Sandmint, body: dict[str, Any], make: Callable[[], dict[str, Any]]
) -> JSONResponse:
    """``make``'s resource, made once per idempotency key: 201 the first time, 200 after."""
    view, created = mint.idempotent(_key(body), body, make)
    return _ok(view, 201 if created else 200)


def create_app(
    *,
    token: IssuerToken,
    webhook_url: str,
    webhook_secret: bytes,
    api_key: str = "",
    timing: Timing | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The sandbox as an ASGI app. ``token`` is its chain side; ``transport`` replaces the
    network for outgoing webhooks."""
    mint = Sandmint(
        token=token,
        target=WebhookTarget(webhook_url, webhook_secret, transport),
        timing=timing or Timing(),
    )

    app = sandbox_app(
        "Sandmint (USDC issuer sandbox)", mint, on_start=lambda: mint.later(mint.watch_deposits())
    )
    _answer_like_circle(app, api_key=api_key)

    @app.get("/v1/configuration")
    async def configuration() -> JSONResponse:
        return _ok({"payments": {"masterWalletId": mint.wallet_id}})

    app.include_router(_wires_router(mint))
    app.include_router(_transfers_router(mint))
    return app


def _answer_like_circle(app: FastAPI, *, api_key: str) -> None:
    """Circle's bearer key on ``/v1/`` (when one is set) and its error bodies."""

    @app.middleware("http")
    async def authenticate(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        if api_key and request.url.path.startswith("/v1/"):
            if request.headers.get("authorization", "") != f"Bearer {api_key}":
                return JSONResponse({"code": 401, "message": "Malformed key"}, status_code=401)
        return await call_next(request)

    @app.exception_handler(SandboxError)
    async def on_error(_: Request, exc: SandboxError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"code": 2, "message": str(exc.errors())[:300]}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"code": 1001, "message": str(exc.detail)}, status_code=exc.status_code)


def _wires_router(mint: Sandmint) -> APIRouter:
    """The fiat side: the bank accounts wired from, (mock) wires in, deposits and balances."""
    router = APIRouter()

    @router.post("/v1/businessAccount/banks/wires")
    async def create_bank(request: Request) -> JSONResponse:
        body = await request.json()
        for name in ("accountNumber", "routingNumber", "billingDetails", "bankAddress"):
            _field(body, name)
        return _idempotent(mint, body, lambda: mint.add_bank(body))

    @router.get("/v1/businessAccount/banks/wires/{bank_id}")
    async def get_bank(bank_id: str) -> JSONResponse:
        return _ok(mint.find("banks", bank_id))

    @router.get("/v1/businessAccount/banks/wires/{bank_id}/instructions")
    async def instructions(bank_id: str) -> JSONResponse:
        return _ok(mint.instructions(bank_id))

    @router.post("/v1/mocks/payments/wire")
    async def mock_wire(request: Request) -> JSONResponse:
        body = await request.json()
        tracking_ref = str(_field(body, "trackingRef"))
        amount = parse_usd(_field(body, "amount"))
        account = _field(body, "beneficiaryBank").get("accountNumber", "")

        def receive() -> dict[str, Any]:
            return mint.receive_wire(tracking_ref, amount, str(account))

        if body.get("idempotencyKey"):  # a sandbox extension: the wire sent once per key
            return _idempotent(mint, body, receive)
        return _ok(receive(), 201)

    @router.get("/v1/businessAccount/deposits")
    async def deposits(type: str = "") -> JSONResponse:  # noqa: A002 - Circle's parameter
        rows = [d for d in mint.deposits.values() if not type or d["type"] == type]
        return JSONResponse({"data": rows})

    @router.get("/v1/businessAccount/balances")
    async def balances() -> JSONResponse:
        return _ok(mint.balances())

    return router


def _transfers_router(mint: Sandmint) -> APIRouter:
    """The chain side: addresses USDC goes to or comes from, transfers (mints) and payouts."""
    router = APIRouter()

    @router.post("/v1/businessAccount/wallets/addresses/recipient")
    async def add_recipient(request: Request) -> JSONResponse:
        body = await request.json()
        for name in ("address", "chain", "description"):
            _field(body, name)
        return _idempotent(mint, body, lambda: mint.add_recipient(body))

    @router.post("/v1/businessAccount/wallets/addresses/deposit")
    async def deposit_address(request: Request) -> JSONResponse:
        body = await request.json()
        _field(body, "chain")
        return _idempotent(mint, body, lambda: mint.deposit_address(body))

    @router.post("/v1/businessAccount/transfers")
    async def create_transfer(request: Request) -> JSONResponse:
        body = await request.json()
        destination = _field(body, "destination")
        amount = parse_usd(_field(body, "amount"))
        return _idempotent(mint, body, lambda: mint.transfer(destination, amount))

    @router.get("/v1/businessAccount/transfers/{transfer_id}")
    async def get_transfer(transfer_id: str) -> JSONResponse:
        return _ok(mint.find("transfers", transfer_id))

    @router.post("/v1/businessAccount/payouts")
    async def create_payout(request: Request) -> JSONResponse:
        body = await request.json()
        destination = _field(body, "destination")
        amount = parse_usd(_field(body, "amount"))
        return _idempotent(mint, body, lambda: mint.payout(destination, amount))

    @router.get("/v1/businessAccount/payouts/{payout_id}")
    async def get_payout(payout_id: str) -> JSONResponse:
        return _ok(mint.find("payouts", payout_id))

    return router


# --- process ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = sandbox_arguments(
        "onramp.devstack.issuer_sandbox", "Sandmint: a USDC issuer sandbox shaped like Circle Mint."
    )
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--usdc", required=True, help="the TestUSDC contract address")
    parser.add_argument("--webhook-url", default="", help="empty: no webhooks")
    parser.add_argument("--wire-delay", type=float, default=Timing.wire_seconds)
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_ENV, "")
    if args.webhook_url and not secret:
        parser.error(f"${SECRET_ENV} is required with --webhook-url")
    token = AnvilToken(args.rpc_url, args.usdc, os.environ.get(KEY_ENV) or SANDBOX_MINTER_KEY)
    app = create_app(
        token=token,
        webhook_url=args.webhook_url,
        webhook_secret=secret.encode(),
        api_key=os.environ.get(API_KEY_ENV, ""),
        timing=Timing(wire_seconds=args.wire_delay),
    )
    serve(app, host=args.host, port=args.port)


IssuerSandbox = RunningSandbox


def start_issuer_sandbox(
    state_dir: Path,
    *,
    rpc_url: str,
    usdc: str,
    webhook_url: str,
    webhook_secret: str,
    api_key: str = "",
    minter_key: str = SANDBOX_MINTER_KEY,
    port: int | None = None,
    timeout: float = SANDBOX_START_TIMEOUT,
) -> IssuerSandbox:
    """Spawn the sandbox (logs: ``state_dir/logs/issuer_sandbox.log``); return once healthy.
    Its minter key and secrets go by environment, out of ``ps``."""
    return start_sandbox(
        "issuer_sandbox",
        ["--rpc-url", rpc_url, "--usdc", usdc, "--webhook-url", webhook_url],
        state_dir=state_dir,
        env={SECRET_ENV: webhook_secret, KEY_ENV: minter_key, API_KEY_ENV: api_key},
        port=port,
        timeout=timeout,
        label="issuer sandbox",
    )


def start_issuer_sandbox_on(
    state_dir: Path,
    settings: Settings,
    *,
    api_url: str,
    minter_key: str = SANDBOX_MINTER_KEY,
    admin_key: str = ANVIL_DEPLOYER_KEY,
) -> IssuerSandbox:
    """The dev stack's issuer: TestUSDC's master minter makes the sandbox's key a minter, then
    the sandbox starts with notifications to ``api_url`` (none when empty)."""
    chain = settings.chain
    minter = minter_address(minter_key)
    configure_minter(chain.rpc_url, usdc=chain.usdc_address, admin_key=admin_key, minter=minter)
    issuer = settings.issuer
    return start_issuer_sandbox(
        state_dir,
        rpc_url=chain.rpc_url,
        usdc=chain.usdc_address,
        webhook_url=f"{api_url}/v1/webhooks/issuer/{issuer.vendor}" if api_url else "",
        webhook_secret=issuer.webhook_secret.get_secret_value(),
        api_key=issuer.api_key.get_secret_value(),
        minter_key=minter_key,
    )


if __name__ == "__main__":
    main()
