"""Business verification (KYB): a company, its documents and its ultimate beneficial owners go
to the vendor as a company applicant; each owner is screened against the sanctions lists by us.

The case is a ``kyc_cases`` row of kind ``business`` at tier 3: the same status machine, the
same webhook intake and the same ``tier_of`` as a person's, so order limits apply unchanged.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import ListMatchers
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.settings import KycSettings
from onramp.kyc.adapters.base import BeneficiaryData, CompanyData, KycVendor
from onramp.kyc.business import BusinessSubmission, check_business_submission
from onramp.kyc.errors import KycCasePending
from onramp.kyc.models import KycCase, KycUbo
from onramp.kyc.service import BUSINESS, ENTITY, case_for
from onramp.kyc.states import KycStatus
from onramp.kyc.ubo_screening import screen_ubos


def _fill(case: KycCase, submission: BusinessSubmission, now: datetime) -> None:
    case.status = KycStatus.PENDING.value
    case.tier_requested = submission.tier
    case.attempts += 1
    case.reasons = []
    case.document_types = sorted(
        {*submission.document_types, *(t for u in submission.ubos for t in u.document_types)}
    )
    case.submitted_at, case.reviewed_at, case.expires_at = now, None, None
    case.check_id = None
    case.legal_name = submission.legal_name
    case.registration_number = submission.registration_number
    case.incorporation_country = submission.incorporation_country
    case.address = submission.registered_address.to_json()


def _ubo_rows(case: KycCase, submission: BusinessSubmission, now: datetime) -> list[KycUbo]:
    return [
        KycUbo(
            id=uuid7(),
            case_id=case.id,
            customer_id=case.customer_id,
            attempt=case.attempts,
            position=position,
            ownership_percent=ubo.ownership_percent,
            document_types=ubo.document_types,
            given_names=ubo.given_names,
            surname=ubo.surname,
            date_of_birth=ubo.date_of_birth.isoformat(),
            nationality=ubo.nationality,
            screening_decision="not_screened",
            screened_at=now,
        )
        for position, ubo in enumerate(submission.ubos)
    ]


async def _send_to_vendor(vendor: KycVendor, case: KycCase, submission: BusinessSubmission) -> None:
    address = submission.registered_address
    case.applicant_id = await vendor.upsert_company(
        CompanyData(
            external_id=str(case.id),
            legal_name=submission.legal_name,
            registration_number=submission.registration_number,
            country=submission.incorporation_country,
            address={
                "line1": address.line1,
                "line2": address.line2,
                "city": address.city,
                "postal_code": address.postal_code,
                "country": address.country,
            },
            beneficiaries=tuple(
                BeneficiaryData(
                    given_names=u.given_names,
                    surname=u.surname,
                    date_of_birth=u.date_of_birth,
                    nationality=u.nationality,
                    ownership_percent=f"{u.ownership_percent:.2f}",
                )
                for u in submission.ubos
            ),
        )
    )
    for document in submission.documents:
        await vendor.add_document(case.applicant_id, document)
    for index, ubo in enumerate(submission.ubos):
        for document in ubo.documents:
            await vendor.add_document(case.applicant_id, document, beneficiary=index)
    case.check_id = await vendor.request_check(case.applicant_id, tier=submission.tier)


async def submit_business(
    session: AsyncSession,
    *,
    vendor: KycVendor,
    matchers: ListMatchers,
    customer_id: uuid.UUID,
    submission: BusinessSubmission,
    settings: KycSettings,
    now: datetime,
) -> KycCase:
    """Start a business case, or resubmit the one that needs more information: store it sealed,
    screen every owner, and ask the vendor for a check (its verdict comes by webhook). An owner
    who hits the lists holds the case (``hold_reason``); a resubmission never clears a hold."""
    check_business_submission(submission, now=now)
    case = await case_for(
        session,
        customer_id=customer_id,
        tier=submission.tier,
        vendor=vendor.name,
        now=now,
        settings=settings,
        kind=BUSINESS,
    )
    _fill(case, submission, now)
    try:
        # The row (and its lock) exists before the vendor can answer, as for a person.
        await session.flush()
    except IntegrityError as exc:  # a concurrent submission opened a case first
        raise KycCasePending() from exc
    ubos = _ubo_rows(case, submission, now)
    session.add_all(ubos)
    await session.flush()
    actor = f"user:{customer_id}"
    held = await screen_ubos(session, matchers, case=case, ubos=ubos, now=now, actor=actor)
    await _send_to_vendor(vendor, case, submission)
    await session.flush()
    await record(
        session,
        actor=actor,
        action="kyc.case_submitted",
        entity_type=ENTITY,
        entity_id=str(case.id),
        data={
            "customer_id": str(customer_id),
            "kind": BUSINESS,
            "tier_requested": submission.tier,
            "attempt": case.attempts,
            "document_types": case.document_types,
            "ubo_count": len(ubos),
            "ubo_screening": [u.screening_decision for u in ubos],
            "hold_reason": case.hold_reason,
            "held_now": held,
            "vendor": vendor.name,
            "applicant_id": case.applicant_id,
            "check_id": case.check_id,
        },
    )
    return case
