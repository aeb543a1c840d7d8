"""Sandkyc's books: applicants and companies, their documents and checks, the verdict each
check reaches (by the magic last names) and the webhook that reports it."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from onramp.devstack.sandbox_kit import (
    Delivery,
    DeliveryPolicy,
    SandboxProblem,
    SandboxState,
    WebhookTarget,
    iso_now,
)

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


def kyc_problem(status: int, code: str, detail: str) -> SandboxProblem:
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


class Sandkyc(SandboxState):
    def __init__(self, target: WebhookTarget, *, retry: RetryPolicy) -> None:
        super().__init__(target, signature_header=SIGNATURE_HEADER, policy=retry, log=_log)
        self.retry = retry
        self.applicants: dict[str, _Applicant] = {}
        self.by_external: dict[str, str] = {}
        self.events: dict[str, _Check] = {}

    def applicant(self, applicant_id: str) -> _Applicant:
        found = self.applicants.get(applicant_id)
        if found is None:
            raise kyc_problem(404, "not_found", f"no applicant {applicant_id!r}")
        return found

    def upsert_applicant(
        self, body: ApplicantIn | CompanyIn, kind: str = "individual"
    ) -> tuple[_Applicant, bool]:
        person = body.model_dump(mode="json", exclude={"external_user_id"})
        existing = self.by_external.get(body.external_user_id)
        if existing is not None:
            applicant = self.applicants[existing]
            if applicant.type != kind:
                raise kyc_problem(409, "applicant_type_mismatch", "external_user_id is taken")
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
                raise kyc_problem(422, "invalid_content", "content_base64 is not base64") from None
            if size > MAX_CONTENT_BYTES:
                raise kyc_problem(422, "content_too_large", f"at most {MAX_CONTENT_BYTES} bytes")
        if body.beneficiary is not None and (
            applicant.type != "company"
            or not 0 <= body.beneficiary < len(applicant.person["beneficiaries"])
        ):
            raise kyc_problem(422, "invalid_beneficiary", "no such beneficiary of this applicant")
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
            raise kyc_problem(422, "invalid_level", "level business is for company applicants only")
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
