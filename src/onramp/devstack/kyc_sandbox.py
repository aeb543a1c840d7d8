"""Sandkyc: a local stand-in for an identity-verification vendor's sandbox (like Sumsub's,
Onfido's or Persona's).

The operator creates an *applicant* for a person, adds *documents* (metadata only: a type and a
file name, optionally a small base64 body that is counted, never looked at) and requests a
*check* at a level. The check answers 202 at once; the verdict arrives later as a signed webhook,
delivered in the background with retries, as real vendors do. State is in memory: it simulates the
vendor, it is not part of the system under test.

Run it as its own process::

    python -m onramp.devstack.kyc_sandbox --port 8098 --webhook-url http://127.0.0.1:8000/hooks

(the webhook secret comes from ``--webhook-secret`` or the ``SANDKYC_WEBHOOK_SECRET`` environment
variable, which keeps it out of ``ps``; :func:`start_kyc_sandbox` does the latter.)

HTTP API
--------
``POST /applicants``
    Body ``{"external_user_id", "first_name", "last_name", "dob": "YYYY-MM-DD", "country": "DE",
    "nationality": "DE"}``. 201 with the applicant. The same ``external_user_id`` again answers
    200 with the existing applicant, its personal data replaced by the new body (so a client that
    retries, or resubmits corrected data, never makes a second applicant).
``POST /companies``
    A company applicant (KYB), shaped like Sumsub's company applicants: body
    ``{"external_user_id", "company_name", "registration_number", "country": "DE",
    "address": {...}, "beneficiaries": [{"first_name", "last_name", "dob", "nationality",
    "ownership_percent": "60.00"}, ...]}`` (at least one beneficiary). 201 with the applicant
    (``"type": "company"``); the same ``external_user_id`` again answers 200 and replaces the
    company's data. Its documents and checks use the applicant routes below.
``POST /applicants/{id}/documents``
    Body ``{"type": "passport" | "id_card" | "driving_licence" | "residence_permit" |
    "proof_of_address" | "selfie" | "certificate_of_incorporation" | "register_extract",
    "filename", "content_base64"?, "beneficiary"?}`` (content at most 64 KiB; ``beneficiary``,
    for a company, the index of the owner whose identity document it is). 201.
``POST /applicants/{id}/checks``
    Body ``{"level": "tier1" | "tier2" | "business"}`` (``business`` for a company, and only for
    one). 202 ``{"id": "chk_...", "status": "pending"}``; the verdict follows as an
    ``applicant.reviewed`` webhook.
``GET /applicants/{id}``
    The applicant, its documents and its checks, each check with its ``event_id`` and
    ``deliveries: [{attempt, status_code, error, at}]``.
``POST /events/{event_id}/redeliver``
    Send that event again (same id, same body), with retries. 202; 404 if unknown.
``GET /healthz``
    200 ``{"status": "ok"}``.
``PUT /_faults``, ``GET /_faults``, ``DELETE /_faults``
    Failure injection (5xx and hung answers, webhooks twice, late and out of order, seeded):
    ``sandbox_kit/faults.py``, docs/operations.md (Vendor faults).

Errors are RFC 9457 ``application/problem+json`` with ``type, title, status, detail, code``.

Webhooks
--------
``POST <webhook-url>`` with ``Content-Type: application/json`` and the body::

    {"id": "evt_...", "type": "applicant.reviewed", "created_at": "...Z",
     "data": {"applicant_id", "check_id", "external_user_id", "level",
              "result": "approved" | "rejected" | "needs_more_info" | "expired",
              "reject_type": null | "final" | "retry", "reasons": ["..."], "reviewed_at"}}

No personal data travels in a webhook: the receiver knows the person by ``external_user_id``.
Each check has one event: every delivery and redelivery sends the same bytes. The header
``Sandkyc-Signature: t=<unix seconds>,v1=<hex>`` carries ``HMAC-SHA256(secret, f"{t}." + body)``
over the exact bytes sent, ``t`` being the time of that attempt. Receivers should check the MAC
in constant time, refuse stale ``t`` and deduplicate on the event id. A 2xx answer acknowledges;
anything else, a connection error or a timeout (10 s) is retried after 0.2 s, 0.4 s, 0.8 s ...
capped at 5 s, 20 attempts in all.

Magic values (by ``last_name``, case-insensitive)
-------------------------------------------------
``REJECT``
    ``rejected``, reject type ``final``, reasons ``["FORGERY"]``.
``MOREINFO``
    The applicant's first check is ``needs_more_info`` (reject type ``retry``, reasons
    ``["DOCUMENT_UNREADABLE"]``); any later check of the same applicant is approved.
``EXPIRE``
    ``expired``, reasons ``["DOCUMENT_EXPIRED"]``.
``SLOW``
    Approved, but the webhook is first sent after 2 s instead of at once.
anything else
    ``approved``. A ``tier2`` check without a ``proof_of_address`` document is
    ``needs_more_info`` with reasons ``["PROOF_OF_ADDRESS_MISSING"]``, whatever the name.

Company applicants: the same words anywhere in ``company_name`` (case-insensitive, e.g.
``"Reject Trading Ltd"``): ``REJECT`` rejected (``["COMPANY_NOT_VERIFIED"]``), ``MOREINFO``
first check ``needs_more_info`` (``["REGISTER_EXTRACT_UNREADABLE"]``), ``EXPIRE`` expired
(``["REGISTER_EXTRACT_OUTDATED"]``), ``SLOW`` approved after 2 s. Otherwise approved, unless a
``certificate_of_incorporation`` or ``register_extract`` is missing, or a beneficiary has no
identity document (``needs_more_info``, ``["COMPANY_DOCUMENTS_MISSING"]`` /
``["UBO_DOCUMENTS_MISSING"]``). Sanctions screening of the owners is the operator's own job.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Response

from onramp.devstack.kyc_sandbox_state import (
    EVENT_TYPE,
    SECRET_ENV,
    SIGNATURE_HEADER,
    ApplicantIn,
    CheckIn,
    CompanyIn,
    DocumentIn,
    RetryPolicy,
    Sandkyc,
    company_verdict_for,
    kyc_problem,
    verdict_for,
)
from onramp.devstack.process import SANDBOX_START_TIMEOUT
from onramp.devstack.sandbox_kit import (
    RunningSandbox,
    WebhookTarget,
    add_webhook_arguments,
    answer_problems,
    require_webhook_secret,
    sandbox_app,
    sandbox_arguments,
    serve,
    start_sandbox,
)

__all__ = [
    "EVENT_TYPE",
    "SECRET_ENV",
    "SIGNATURE_HEADER",
    "KycSandbox",
    "RetryPolicy",
    "create_app",
    "company_verdict_for",
    "main",
    "start_kyc_sandbox",
    "verdict_for",
]

# --- HTTP app -----------------------------------------------------------------------------------


def create_app(
    *,
    webhook_url: str,
    webhook_secret: bytes,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The sandbox as an ASGI app. ``transport`` replaces the network for outgoing webhooks."""
    vendor = Sandkyc(
        WebhookTarget(webhook_url, webhook_secret, transport), retry=retry or RetryPolicy()
    )

    app = sandbox_app("Sandkyc (KYC vendor sandbox)", vendor)
    answer_problems(app, vendor="sandkyc")

    @app.post("/applicants", status_code=201)
    async def create_applicant(body: ApplicantIn, response: Response) -> dict[str, Any]:
        applicant, created = vendor.upsert_applicant(body)
        if not created:
            response.status_code = 200
        return applicant.view()

    @app.post("/companies", status_code=201)
    async def create_company(body: CompanyIn, response: Response) -> dict[str, Any]:
        applicant, created = vendor.upsert_applicant(body, "company")
        if not created:
            response.status_code = 200
        return applicant.view()

    @app.get("/applicants/{applicant_id}")
    async def get_applicant(applicant_id: str) -> dict[str, Any]:
        return vendor.applicant(applicant_id).view()

    @app.post("/applicants/{applicant_id}/documents", status_code=201)
    async def add_document(applicant_id: str, body: DocumentIn) -> dict[str, Any]:
        return vendor.add_document(vendor.applicant(applicant_id), body)

    @app.post("/applicants/{applicant_id}/checks", status_code=202)
    async def request_check(applicant_id: str, body: CheckIn) -> dict[str, Any]:
        check = vendor.request_check(vendor.applicant(applicant_id), body.level)
        return {"id": check.id, "applicant_id": applicant_id, "status": "pending"}

    @app.post("/events/{event_id}/redeliver", status_code=202)
    async def redeliver(event_id: str) -> dict[str, str]:
        check = vendor.events.get(event_id)
        if check is None:
            raise kyc_problem(404, "not_found", f"no event {event_id!r}")
        vendor.webhooks.schedule(check)
        return {"event_id": event_id, "status": "scheduled"}

    return app


# --- process ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = sandbox_arguments("onramp.devstack.kyc_sandbox", "Sandkyc: a KYC vendor sandbox.")
    add_webhook_arguments(parser, secret_env=SECRET_ENV, max_attempts=RetryPolicy.max_attempts)
    args = parser.parse_args(argv)
    app = create_app(
        webhook_url=args.webhook_url,
        webhook_secret=require_webhook_secret(parser, args, secret_env=SECRET_ENV),
        retry=RetryPolicy(max_attempts=args.max_attempts),
    )
    serve(app, host=args.host, port=args.port)


KycSandbox = RunningSandbox


def start_kyc_sandbox(
    state_dir: Path,
    *,
    webhook_url: str,
    webhook_secret: str,
    port: int | None = None,
    timeout: float = SANDBOX_START_TIMEOUT,
) -> KycSandbox:
    """Spawn the sandbox (logs: ``state_dir/logs/kyc_sandbox.log``); return once it is healthy."""
    return start_sandbox(
        "kyc_sandbox",
        ["--webhook-url", webhook_url],
        state_dir=state_dir,
        env={SECRET_ENV: webhook_secret},
        port=port,
        timeout=timeout,
        label="KYC sandbox",
    )


if __name__ == "__main__":
    main()
