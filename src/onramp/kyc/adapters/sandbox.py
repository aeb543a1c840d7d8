"""The sandbox KYC vendor (``onramp.devstack.kyc_sandbox`` runs it locally): an HTTP client for
applicants, documents and checks, and verification of its signed webhooks
(``Sandkyc-Signature``, see ``signature.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

import httpx
from pydantic import BaseModel, Field, ValidationError

from onramp.core.request_fields import Text
from onramp.core.vendor_http import VendorErrors, VendorHttpClient, VendorRetry
from onramp.core.vendor_payloads import MalformedVendorPayload, load_vendor_json
from onramp.kyc.adapters.base import (
    ApplicantData,
    CompanyData,
    DocumentData,
    VendorNotice,
    VendorVerdict,
)
from onramp.kyc.adapters.signature import verify_signature
from onramp.kyc.errors import KycVendorUnavailable, MalformedKycNotification
from onramp.kyc.states import KycStatus
from onramp.kyc.tiers import BUSINESS_TIER

SIGNATURE_HEADER = "sandkyc-signature"
REVIEWED = "applicant.reviewed"
_RESULTS = {
    "approved": KycStatus.APPROVED,
    "rejected": KycStatus.REJECTED,
    "needs_more_info": KycStatus.NEEDS_MORE_INFO,
    "expired": KycStatus.EXPIRED,
}


# Each field bounded by the column it lands in (kyc/models.py).
_Id = Annotated[Text, Field(max_length=100)]


class _Reviewed(BaseModel):
    applicant_id: _Id
    check_id: _Id
    external_user_id: Annotated[Text, Field(max_length=200)]
    result: Annotated[Text, Field(max_length=40)]
    reasons: list[Annotated[Text, Field(max_length=200)]] = Field(max_length=50)
    reviewed_at: datetime


class _Event(BaseModel):
    id: Annotated[Text, Field(max_length=200)]
    type: Annotated[Text, Field(max_length=100)]
    created_at: datetime
    data: dict[str, Any]  # read by _Reviewed, checked by load_vendor_json


KYC_VENDOR_ERRORS = VendorErrors.all_as(
    KycVendorUnavailable,
    vendor="KYC vendor",
    not_configured="no KYC vendor URL is configured (ONRAMP_KYC__VENDOR_URL)",
)


class SandboxKycVendor:
    name = "sandbox"

    def __init__(
        self,
        *,
        base_url: str,
        secret: bytes,
        tolerance_seconds: int,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: VendorRetry | None = None,
    ) -> None:
        # Creating the adapter makes no network call: the first request does.
        self._http = VendorHttpClient(
            vendor="KYC vendor",
            base_url=base_url,
            errors=KYC_VENDOR_ERRORS,
            timeout=timeout,
            retry=retry,
            transport=transport,
        )
        self._secret = secret
        self._tolerance = tolerance_seconds

    async def _post(
        self, path: str, body: dict[str, Any], *, idempotent: bool = False
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self._http.request(
            "POST", path, json=body, idempotent=idempotent
        )
        return result

    async def upsert_applicant(self, applicant: ApplicantData) -> str:
        created = await self._post(
            "/applicants",
            {
                "external_user_id": applicant.external_id,
                "first_name": applicant.given_names,
                "last_name": applicant.surname,
                "dob": applicant.date_of_birth.isoformat(),
                "country": applicant.country,
                "nationality": applicant.nationality,
            },
            idempotent=True,  # the same external_user_id is the same applicant
        )
        return str(created["id"])

    async def upsert_company(self, company: CompanyData) -> str:
        created = await self._post(
            "/companies",
            {
                "external_user_id": company.external_id,
                "company_name": company.legal_name,
                "registration_number": company.registration_number,
                "country": company.country,
                "address": company.address,
                "beneficiaries": [
                    {
                        "first_name": b.given_names,
                        "last_name": b.surname,
                        "dob": b.date_of_birth.isoformat(),
                        "nationality": b.nationality,
                        "ownership_percent": b.ownership_percent,
                    }
                    for b in company.beneficiaries
                ],
            },
            idempotent=True,  # the same external_user_id is the same applicant
        )
        return str(created["id"])

    async def add_document(
        self, applicant_id: str, document: DocumentData, *, beneficiary: int | None = None
    ) -> str:
        body: dict[str, Any] = {"type": document.type, "filename": document.filename}
        if document.content_base64 is not None:
            body["content_base64"] = document.content_base64
        if beneficiary is not None:
            body["beneficiary"] = beneficiary
        added = await self._post(f"/applicants/{applicant_id}/documents", body)
        return str(added["id"])

    async def request_check(self, applicant_id: str, *, tier: int) -> str:
        level = "business" if tier == BUSINESS_TIER else f"tier{tier}"
        check = await self._post(f"/applicants/{applicant_id}/checks", {"level": level})
        return str(check["id"])

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> VendorNotice:
        verify_signature(
            self._secret,
            headers.get(SIGNATURE_HEADER, ""),
            body,
            now=now.timestamp(),
            tolerance_seconds=self._tolerance,
        )
        try:
            payload: dict[str, Any] = load_vendor_json(body)
            event = _Event.model_validate(payload)
            if event.type != REVIEWED:
                return VendorNotice(event_id=event.id, payload=payload, verdict=None)
            data = _Reviewed.model_validate(event.data)
            status = _RESULTS.get(data.result)
            if status is None:
                raise MalformedKycNotification(f"unknown result {data.result!r}")
        except (ValidationError, MalformedVendorPayload) as exc:
            raise MalformedKycNotification(str(exc)) from exc
        verdict = VendorVerdict(
            event_id=event.id,
            external_id=data.external_user_id,
            applicant_id=data.applicant_id,
            check_id=data.check_id,
            status=status,
            reasons=tuple(data.reasons),
            reviewed_at=data.reviewed_at,
        )
        return VendorNotice(event_id=event.id, payload=payload, verdict=verdict)
