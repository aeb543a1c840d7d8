"""The HTTP edge: every router, the middleware and the API process's lifespan. Which vendor
adapters it serves is composition: ``runtime.app.create_app`` picks them from the settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from onramp.alerts import alerts_router as alerts_router
from onramp.alerts import configured_rules
from onramp.api.audit import router as audit_router
from onramp.api.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit, BodyLimits
from onramp.api.data_rights import router as data_rights_router
from onramp.api.errors import install_error_handlers
from onramp.api.health import router as health_router
from onramp.api.metrics import HttpMetrics
from onramp.api.metrics import router as metrics_router
from onramp.api.openapi_problems import install_problem_responses
from onramp.api.ratelimit_headers import RateLimitHeaders
from onramp.api.screening import router as screening_router
from onramp.api.security_headers import SecurityHeaders
from onramp.api.tracing import HttpTracing
from onramp.auth import listening_for_changes
from onramp.banking import (
    BankWebhookAdapter,
    check_treasury_accounts,
    register_return_approval,
    register_settlement_approval,
)
from onramp.banking import accounts_router as bank_accounts_router
from onramp.banking import banking_router as banking_router
from onramp.banking import refunds_router as refunds_router
from onramp.banking import suspense_router as suspense_router
from onramp.casework import casework_router as compliance_cases_router
from onramp.casework import register_release_approval
from onramp.chain import check_configured_wallet_factory, register_system_contracts
from onramp.core.clock import Clock, SystemClock
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.db.versions import keep_announcing
from onramp.core.keys import install_keyring, keep_keyring_fresh, open_keyring
from onramp.core.ratelimit import InProcessRateLimiter, RedisRateLimiter
from onramp.core.settings import Settings
from onramp.fx import FxDesk, peg_alarm_recorder
from onramp.fx import fx_router as fx_router
from onramp.identity import account_me_router as account_me_router
from onramp.identity import account_router as account_router
from onramp.identity import admin_admin_router as admin_router
from onramp.identity import admin_approvals_router as approvals_router
from onramp.identity import api_keys_router as api_keys_router
from onramp.identity import identity_me_router as me_router
from onramp.identity import identity_router as identity_router
from onramp.identity import mfa_me_router as mfa_me_router
from onramp.identity import mfa_router as mfa_router
from onramp.identity import oauth_router as oauth_router
from onramp.kyc import KycVendor
from onramp.kyc import kyc_kyb_router as kyb_router
from onramp.kyc import kyc_me_router as kyc_me_router
from onramp.kyc import kyc_review_router as kyc_review_router
from onramp.kyc import kyc_webhook_router as kyc_webhook_router
from onramp.orders import admin_router as admin_orders_router
from onramp.orders import limits_router as limits_router
from onramp.orders import orders_router as orders_router
from onramp.orders import register_operator_approvals, vault_paid_check
from onramp.orders import standing_reference_router as standing_reference_router
from onramp.orders import travel_rule_router as travel_rule_router
from onramp.recon import recon_router as recon_router
from onramp.recon import register_adjustment_approval
from onramp.reports import reports_router as reports_router
from onramp.support import support_router as support_router
from onramp.treasury import circuit_breaker_router as circuit_breaker_router
from onramp.treasury import issuer_operations_router as issuer_operations_router
from onramp.treasury import register_mint_approval, register_resume_approval
from onramp.treasury import treasury_router as treasury_router
from onramp.treasury import treasury_webhook_router as issuer_webhook_router
from onramp.wallets import wallets_router as wallets_router
from onramp.wallets import withdrawals_router as withdrawals_router
from onramp.webhooks import webhook_types_router as webhook_types_router
from onramp.webhooks import webhooks_router as webhooks_router

# Routes anyone may call. Every other route declares a permission (auth.access.require);
# tests/e2e/test_authorization.py fails on a route that does neither.
PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),  # counts, no personal data: scraped from the operator's network
        ("POST", "/v1/auth/register"),
        ("POST", "/v1/auth/login"),
        ("POST", "/v1/auth/refresh"),
        ("POST", "/v1/auth/mfa"),  # carries the login's one-time MFA challenge
        # An emailed single-use token is the credential (password-reset: none, answers 202).
        ("POST", "/v1/auth/email-verification"),
        ("POST", "/v1/auth/password-reset"),
        ("POST", "/v1/auth/password-reset/confirm"),
        ("POST", "/v1/auth/email-change/confirm"),
        ("POST", "/v1/oauth/token"),  # authenticated by the client's credentials (an API key)
        ("POST", "/v1/webhooks/bank/{bank}"),  # authenticated by the bank's signature
        ("POST", "/v1/webhooks/kyc/{vendor}"),  # authenticated by the KYC vendor's signature
        ("POST", "/v1/webhooks/issuer/{vendor}"),  # authenticated by the issuer's signature
    }
)

ROUTERS = (
    health_router,
    metrics_router,
    identity_router,
    me_router,
    mfa_router,
    mfa_me_router,
    account_router,
    account_me_router,
    api_keys_router,
    oauth_router,
    data_rights_router,
    approvals_router,
    admin_router,
    fx_router,
    orders_router,
    admin_orders_router,
    support_router,
    limits_router,
    banking_router,
    bank_accounts_router,
    refunds_router,
    wallets_router,
    withdrawals_router,
    travel_rule_router,
    kyc_me_router,
    kyb_router,
    kyc_webhook_router,
    issuer_webhook_router,
    kyc_review_router,
    screening_router,
    compliance_cases_router,
    reports_router,
    suspense_router,
    standing_reference_router,
    treasury_router,
    issuer_operations_router,
    circuit_breaker_router,
    recon_router,
    audit_router,
    alerts_router,
    webhooks_router,
    webhook_types_router,
)

DESCRIPTION = """\
onramp converts fiat bank deposits into USDC delivered on-chain.

Flow: register and log in (`/v1/auth`), ask for a quote (`/v1/quotes`), create an order with an
`Idempotency-Key` (`/v1/orders`), send the bank transfer quoting the creditor reference from the
deposit instructions, then follow the order until `completed`.

Corporate clients authenticate with an API key (`/v1/me/api-keys`), sent as
`Authorization: Bearer <key>` or exchanged for a token at `/v1/oauth/token` (client credentials).

Errors are RFC 9457 `application/problem+json` with a stable `code`.
"""


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The API process's start and stop: the database, the system's contracts, the keyring."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Customers are shown wallet addresses computed from the local UserWallet artifact: a
        # factory on-chain that builds other wallets stops start-up (wallet_factory_mismatch).
        await check_configured_wallet_factory(settings.chain)
        engine = create_engine(
            settings.database.url,
            pool_size=settings.database.pool_size,
            max_overflow=settings.database.max_overflow,
        )
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        app.state.fx_desk.alarm_sink = peg_alarm_recorder(app.state.sessions)
        try:
            # Customers' destinations are checked against the system's contracts.
            async with unit_of_work(app.state.sessions) as session:
                await register_system_contracts(session, settings.chain)
            # Before the first request: an unusable HSM (wrong PIN, no token) stops start-up
            # here with hsm_unavailable, rather than failing requests that touch personal data.
            install_keyring(await open_keyring(app.state.sessions, settings.data_key_hsm))
            refresher = asyncio.create_task(
                keep_keyring_fresh(
                    app.state.sessions,
                    settings.data_key_hsm,
                    interval=settings.data_key_hsm.keyring_refresh_seconds,
                )
            )
            from onramp.core.db.migrate import code_head  # alembic: only once running

            # Which migration head this process runs on: `onramp migrate --check` reads it.
            announcer = asyncio.create_task(
                keep_announcing(app.state.sessions, kind="api", head=code_head())
            )
            # Who is calling is remembered per process while this listens for changes to it
            # (auth.lookup_cache): a logout or revocation anywhere drops it at once.
            async with listening_for_changes(settings.database.url):
                yield
            refresher.cancel()
            announcer.cancel()
            await asyncio.gather(announcer, return_exceptions=True)
        finally:
            await engine.dispose()
            if isinstance(app.state.rate_limiter, RedisRateLimiter):
                await app.state.rate_limiter.close()

    return lifespan


def body_limits(settings: Settings) -> BodyLimits:
    """The default for JSON; the routes that take files their own (the attachment route then
    answers its own ``attachment_too_large`` up to a margin above its limit)."""
    return BodyLimits(
        default=DEFAULT_MAX_BODY_BYTES,
        larger={
            r"/v1/compliance/cases/[^/]+/attachments": settings.compliance.attachment_max_bytes
            + DEFAULT_MAX_BODY_BYTES,
            r"/v1/compliance/screen/names": 8 * DEFAULT_MAX_BODY_BYTES,  # 10,000 rows
        },
    )


def build_app(
    settings: Settings,
    *,
    bank_adapters: dict[str, BankWebhookAdapter],
    kyc_vendors: dict[str, KycVendor],
    clock: Clock | None = None,
) -> FastAPI:
    """The application; bank notices and KYC webhooks reach the adapters named here."""

    app = FastAPI(
        title="onramp",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=_lifespan(settings),
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    check_treasury_accounts(settings.banking)  # a bad account number never reaches a customer
    # The back office reads the alert rules: a bad rules file stops start-up here, naming the
    # rule (alert_rules_invalid), as it stops the alerts worker, not the first page that reads it.
    configured_rules(settings)
    app.state.clock = clock or SystemClock()
    app.state.fx_desk = FxDesk.from_settings(settings.fx)
    # An approved four-eyes release prices with this desk, as the saga does.
    register_release_approval(app.state.fx_desk, review_period_days=settings.kyc.review_period_days)
    register_return_approval()
    register_settlement_approval()
    register_mint_approval()
    register_resume_approval()
    register_adjustment_approval()
    # A failed order's retry or refund first reads the vault's isPaid on this node.
    app.state.vault_paid = vault_paid_check(settings.chain.rpc_url, settings.chain.vault_address)
    register_operator_approvals(app.state.vault_paid)
    app.state.bank_adapters = bank_adapters
    app.state.kyc_vendors = kyc_vendors
    app.state.rate_limiter = (
        RedisRateLimiter.from_url(settings.redis_url)
        if settings.redis_url
        else InProcessRateLimiter()
    )
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(BodyLimit, limits=body_limits(settings))
    # No CORS middleware: browsers get no cross-origin access (the web UI is served same-origin).
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HttpMetrics)  # every answer counts, a refused body too
    app.add_middleware(HttpTracing)  # outermost: the request's span holds everything it does
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    install_problem_responses(app, ROUTERS, PUBLIC_ROUTES)
    return app
