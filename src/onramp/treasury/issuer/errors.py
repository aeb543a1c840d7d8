"""Issuer errors: stable codes, no HTTP (the API edge maps kinds to statuses). A vendor's own
message stays in ``detail`` server-side; the code says what the caller can do about it."""

from __future__ import annotations

from onramp.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Unauthenticated,
    Unavailable,
)


class IssuerUnavailable(Unavailable):
    """Network error, timeout, 5xx, or refused credentials: retry later (or fix the config)."""

    code = "issuer_unavailable"
    title = "The USDC issuer could not be reached; try again later"


class IssuerRejected(InvalidInput):
    code = "issuer_rejected"
    title = "The USDC issuer refused the request"


class IssuerResourceNotFound(NotFound):
    code = "issuer_resource_not_found"
    title = "The USDC issuer knows no such resource"


class IssuerInsufficientFunds(Conflict):
    code = "issuer_insufficient_funds"
    title = "The issuer account's available balance does not cover the amount"


class IssuerIdempotencyConflict(Conflict):
    code = "issuer_idempotency_conflict"
    title = "The issuer saw this idempotency key with a different request"


class IssuerAmountNotWholeCents(InvalidInput):
    code = "issuer_amount_not_whole_cents"
    title = "Issuer amounts are whole US cents (USDC with at most 2 decimals)"


class InvalidIssuerWebhookSignature(Unauthenticated):
    code = "invalid_issuer_webhook_signature"
    title = "The issuer notification's signature is missing, stale or wrong"


class MalformedIssuerNotification(InvalidInput):
    code = "malformed_issuer_notification"
    title = "The issuer notification could not be read"


class IssuerOperationConflict(Conflict):
    code = "issuer_operation_conflict"
    title = "This idempotency key was used for a different mint or redeem"


class IssuerOperationNotFound(NotFound):
    code = "issuer_operation_not_found"
    title = "No such mint or redeem operation"


class IssuerNotConfigured(Unavailable):
    code = "issuer_not_configured"
    title = "No USDC issuer is configured (ONRAMP_ISSUER__API_URL)"


class IssuerOperationTimeout(Unavailable):
    code = "issuer_operation_timeout"
    title = "The mint or redeem did not finish in time; it resumes where it stopped when run again"


class UnknownIssuer(NotFound):
    code = "unknown_issuer"
    title = "No USDC issuer adapter is configured under this name"
