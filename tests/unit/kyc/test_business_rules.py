"""KYB submission rules (owners of 25 % or more, at most 100 % in all, identity documents, the
company's documents) and the KYC sandbox's magic company names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from onramp.devstack.kyc_sandbox import company_verdict_for
from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.business import BeneficialOwner, BusinessSubmission, check_business_submission
from onramp.kyc.errors import KybSubmissionInvalid
from onramp.kyc.submission import PostalAddress

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PASSPORT = DocumentData(type="passport", filename="p.png")
COMPANY_DOCS = (
    DocumentData(type="certificate_of_incorporation", filename="c.pdf"),
    DocumentData(type="register_extract", filename="r.pdf"),
)


def owner(share: str, *docs: DocumentData, born: date = date(1980, 1, 2)) -> BeneficialOwner:
    return BeneficialOwner(
        given_names="Grace",
        surname="Hopper",
        date_of_birth=born,
        nationality="US",
        ownership_percent=Decimal(share),
        documents=docs or (PASSPORT,),
    )


def business(
    *owners: BeneficialOwner, docs: tuple[DocumentData, ...] = COMPANY_DOCS, number: str = "HRB 1"
) -> BusinessSubmission:
    return BusinessSubmission(
        legal_name="Analytical Engines GmbH",
        registration_number=number,
        incorporation_country="DE",
        registered_address=PostalAddress("Street 1", "Berlin", "10117", "DE"),
        ubos=owners,
        documents=docs,
    )


@pytest.mark.parametrize(
    "submission",
    [
        business(owner("100")),
        business(owner("25"), owner("25"), owner("25"), owner("25")),
        business(owner("60"), owner("40")),
    ],
)
def test_valid_submissions_pass(submission: BusinessSubmission) -> None:
    check_business_submission(submission, now=NOW)


@pytest.mark.parametrize(
    ("submission", "problem"),
    [
        (business(), "at least one ultimate beneficial owner"),
        (business(owner("24.99")), "at least 25 %"),
        (business(owner("60"), owner("50")), "add up to 110 %, more than 100 %"),
        (business(owner("100.01")), "cannot exceed 100"),
        (business(*(owner("25") for _ in range(5))), "at most 4 beneficial owners"),
        (business(owner("50", DocumentData("selfie", "s.png"))), "identity document"),
        (business(owner("50", born=date(2027, 1, 1))), "date_of_birth must be in the past"),
        (business(owner("50"), docs=COMPANY_DOCS[:1]), "company documents missing: register"),
        (business(owner("50"), number=" "), "registration_number is required"),
    ],
)
def test_invalid_submissions_name_the_rule(submission: BusinessSubmission, problem: str) -> None:
    with pytest.raises(KybSubmissionInvalid) as raised:
        check_business_submission(submission, now=NOW)
    assert problem in raised.value.detail
    assert "Hopper" not in raised.value.detail  # rules, never the values


def test_sandbox_company_verdicts_by_magic_name() -> None:
    docs = {"certificate_of_incorporation", "register_extract"}

    def verdict(name: str, attempt: int = 1, types: set[str] = docs, missing: int = 0) -> str:
        found = company_verdict_for(
            name, document_types=types, owners_without_id=missing, attempt=attempt
        )
        return f"{found.result}:{','.join(found.reasons)}"

    assert verdict("Reject Trading Ltd") == "rejected:COMPANY_NOT_VERIFIED"
    assert verdict("acme expire plc") == "expired:REGISTER_EXTRACT_OUTDATED"
    assert verdict("MoreInfo Holdings") == "needs_more_info:REGISTER_EXTRACT_UNREADABLE"
    assert verdict("MoreInfo Holdings", attempt=2) == "approved:"
    assert (
        verdict("Acme", types={"register_extract"}) == "needs_more_info:COMPANY_DOCUMENTS_MISSING"
    )
    assert verdict("Acme", missing=1) == "needs_more_info:UBO_DOCUMENTS_MISSING"
    assert verdict("Acme GmbH") == "approved:"
    assert company_verdict_for("Slow AG", document_types=docs, owners_without_id=0, attempt=1).slow
