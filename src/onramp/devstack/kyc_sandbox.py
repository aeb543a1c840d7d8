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

import base64
import binascii
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import FastAPI, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from onramp.devstack.sandbox_kit import (
    Delivery,
    DeliveryPolicy,
    RunningSandbox,
    SandboxProblem,
    SandboxState,
    WebhookTarget,
    add_webhook_arguments,
    answer_problems,
    iso_now,
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
    "main",
    "start_kyc_sandbox",
    "verdict_for",
]

_log = logging.getLogger("onramp.devstack.kyc_sandbox")

SIGNATURE_HEADER = "Sandkyc-Signature"
EVENT_TYPE = "applicant.reviewed"
SECRET_ENV = "SANDKYC_WEBHOOK_SECRET"  # noqa: S105 - the variable name, not a secret
MAX_CONTENT_BYTES = 64 * 1024

DocumentType = Literal[
    "passport",
    "id_card",
    "driving_licence",
    "residence_permit",
    "proof_of_address",
    "selfie",
    "certificate_of_incorporation",
    "register_extract",
]
IDENTITY_TYPES = frozenset({"passport", "id_card", "driving_licence", "residence_permit"})
Level = Literal["tier1", "tier2", "business"]
Name = Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
Country = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Z]{2}$")]


@dataclass(frozen=True)
class Verdict:
    result: str
    reject_type: str | None
    reasons: tuple[str, ...]
    slow: bool = False


def verdict_for(last_name: str, *, level: str, document_types: set[str], attempt: int) -> Verdict:
    """The sandbox's decision for a check: the magic values of the module docstring."""
    magic = last_name.strip().upper()
    if magic == "REJECT":
        return Verdict("rejected", "final", ("FORGERY",))
    if magic == "EXPIRE":
        return Verdict("expired", None, ("DOCUMENT_EXPIRED",))
    if magic == "MOREINFO" and attempt == 1:
        return Verdict("needs_more_info", "retry", ("DOCUMENT_UNREADABLE",))
    if level == "tier2" and "proof_of_address" not in document_types:
        return Verdict("needs_more_info", "retry", ("PROOF_OF_ADDRESS_MISSING",))
    return Verdict("approved", None, (), slow=magic == "SLOW")


def company_verdict_for(
    company_name: str, *, document_types: set[str], owners_without_id: int, attempt: int
) -> Verdict:
    """The sandbox's decision for a company's check: magic words anywhere in its name."""
    magic = company_name.upper()
    if "REJECT" in magic:
        return Verdict("rejected", "final", ("COMPANY_NOT_VERIFIED",))
    if "EXPIRE" in magic:
        return Verdict("expired", None, ("REGISTER_EXTRACT_OUTDATED",))
    if "MOREINFO" in magic and attempt == 1:
        return Verdict("needs_more_info", "retry", ("REGISTER_EXTRACT_UNREADABLE",))
    if not {"certificate_of_incorporation", "register_extract"} <= document_types:
        return Verdict("needs_more_info", "retry", ("COMPANY_DOCUMENTS_MISSING",))
    if owners_without_id:
        return Verdict("needs_more_info", "retry", ("UBO_DOCUMENTS_MISSING",))
    return Verdict("approved", None, (), slow="SLOW" in magic)


def _problem(status: int, code: str, detail: str) -> SandboxProblem:
    return SandboxProblem(status, code, None, detail)


# --- state --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy(DeliveryPolicy):
    slow_seconds: float = 2.0


@dataclass
class _Check:
    id: str
    level: str
    event_id: str
    event_body: bytes
    result: str
    deliveries: list[Delivery] = field(default_factory=list)
    attempts_started: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "delivered": any(d.acknowledged for d in self.deliveries),
            "result": self.result,
            "event_id": self.event_id,
            "deliveries": [d.view() for d in self.deliveries],
        }


@dataclass
class _Applicant:
    id: str
    external_user_id: str
    person: dict[str, Any]  # a company's data for a company applicant
    created_at: str
    type: str = "individual"
    documents: list[dict[str, Any]] = field(default_factory=list)
    checks: list[_Check] = field(default_factory=list)

    def verdict(self, level: str) -> Verdict:
        attempt = len(self.checks) + 1
        types = {d["type"] for d in self.documents}
        if self.type == "company":
            with_id = {d.get("beneficiary") for d in self.documents if d["type"] in IDENTITY_TYPES}
            owners = range(len(self.person["beneficiaries"]))
            return company_verdict_for(
                self.person["company_name"],
                document_types=types,
                owners_without_id=sum(1 for i in owners if i not in with_id),
                attempt=attempt,
            )
        return verdict_for(
            self.person["last_name"], level=level, document_types=types, attempt=attempt
        )

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "external_user_id": self.external_user_id,
            **self.person,
            "created_at": self.created_at,
            "documents": list(self.documents),
            "checks": [c.view() for c in self.checks],
        }


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_user_id: Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
    first_name: Name
    last_name: Name
    dob: date
    country: Country
    nationality: Country


class BeneficiaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: Name
    dob: date
    nationality: Country
    ownership_percent: Annotated[StrictStr, StringConstraints(pattern=r"^\d{1,3}(\.\d{1,2})?$")]


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_user_id: Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
    company_name: Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]
    registration_number: Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
    country: Country
    address: dict[str, StrictStr | None]
    beneficiaries: Annotated[list[BeneficiaryIn], Field(min_length=1, max_length=10)]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType
    filename: Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]
    content_base64: StrictStr | None = None
    beneficiary: int | None = None


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level


class _Sandkyc(SandboxState):
    def __init__(self, target: WebhookTarget, *, retry: RetryPolicy) -> None:
        super().__init__(target, signature_header=SIGNATURE_HEADER, policy=retry, log=_log)
        self.retry = retry
        self.applicants: dict[str, _Applicant] = {}
        self.by_external: dict[str, str] = {}
        self.events: dict[str, _Check] = {}

    def applicant(self, applicant_id: str) -> _Applicant:
        found = self.applicants.get(applicant_id)
        if found is None:
            raise _problem(404, "not_found", f"no applicant {applicant_id!r}")
        return found

    def upsert_applicant(
        self, body: ApplicantIn | CompanyIn, kind: str = "individual"
    ) -> tuple[_Applicant, bool]:
        person = body.model_dump(mode="json", exclude={"external_user_id"})
        existing = self.by_external.get(body.external_user_id)
        if existing is not None:
            applicant = self.applicants[existing]
            if applicant.type != kind:
                raise _problem(409, "applicant_type_mismatch", "external_user_id is taken")
            applicant.person = person
            return applicant, False
        applicant = _Applicant(
            id=f"app_{uuid.uuid4().hex}",
            external_user_id=body.external_user_id,
            person=person,
            created_at=iso_now(),
            type=kind,
        )
        self.applicants[applicant.id] = applicant
        self.by_external[body.external_user_id] = applicant.id
        _log.info("applicant %s created", applicant.id)  # no personal data in logs
        return applicant, True

    def add_document(self, applicant: _Applicant, body: DocumentIn) -> dict[str, Any]:
        size = 0
        if body.content_base64 is not None:
            try:
                size = len(base64.b64decode(body.content_base64, validate=True))
            except (binascii.Error, ValueError):
                raise _problem(422, "invalid_content", "content_base64 is not base64") from None
            if size > MAX_CONTENT_BYTES:
                raise _problem(422, "content_too_large", f"at most {MAX_CONTENT_BYTES} bytes")
        if body.beneficiary is not None and (
            applicant.type != "company"
            or not 0 <= body.beneficiary < len(applicant.person["beneficiaries"])
        ):
            raise _problem(422, "invalid_beneficiary", "no such beneficiary of this applicant")
        document = {
            "id": f"doc_{uuid.uuid4().hex}",
            "beneficiary": body.beneficiary,
            "type": body.type,
            "filename": body.filename,
            "size": size,
            "uploaded_at": iso_now(),
        }
        applicant.documents.append(document)
        return document

    def request_check(self, applicant: _Applicant, level: str) -> _Check:
        if (level == "business") != (applicant.type == "company"):
            raise _problem(422, "invalid_level", "level business is for company applicants only")
        verdict = applicant.verdict(level)
        check_id, event_id = f"chk_{uuid.uuid4().hex}", f"evt_{uuid.uuid4().hex}"
        reviewed = iso_now()
        event = {
            "id": event_id,
            "type": EVENT_TYPE,
            "created_at": reviewed,
            "data": {
                "applicant_id": applicant.id,
                "check_id": check_id,
                "external_user_id": applicant.external_user_id,
                "level": level,
                "result": verdict.result,
                "reject_type": verdict.reject_type,
                "reasons": list(verdict.reasons),
                "reviewed_at": reviewed,
            },
        }
        check = _Check(
            id=check_id,
            level=level,
            event_id=event_id,
            event_body=json.dumps(event, separators=(",", ":")).encode(),
            result=verdict.result,
        )
        applicant.checks.append(check)
        self.events[event_id] = check
        _log.info("check %s of %s: %s", check_id, applicant.id, verdict.result)
        self.webhooks.schedule(check, delay=self.retry.slow_seconds if verdict.slow else 0.0)
        return check


# --- HTTP app -----------------------------------------------------------------------------------


def create_app(
    *,
    webhook_url: str,
    webhook_secret: bytes,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The sandbox as an ASGI app. ``transport`` replaces the network for outgoing webhooks."""
    vendor = _Sandkyc(
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
            raise _problem(404, "not_found", f"no event {event_id!r}")
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
    timeout: float = 20.0,
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
