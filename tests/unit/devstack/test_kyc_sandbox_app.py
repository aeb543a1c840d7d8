"""The KYC sandbox in-process, driven by the sandbox adapter: ASGI in, a mock transport for the
webhooks out, so the adapter's client and its webhook verification meet the real vendor shape."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
import pytest

from onramp.devstack.kyc_sandbox import (
    SIGNATURE_HEADER,
    RetryPolicy,
    create_app,
    verdict_for,
)
from onramp.kyc.adapters.base import ApplicantData, BeneficiaryData, CompanyData, DocumentData
from onramp.kyc.adapters.sandbox import SandboxKycVendor
from onramp.kyc.errors import InvalidKycWebhookSignature, KycVendorUnavailable
from onramp.kyc.states import KycStatus

SECRET = b"whsec_kyc_unit"
FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, slow_seconds=0.3)


@dataclass
class Receiver:
    """The operator's webhook endpoint: answers from ``statuses`` in turn, then 200."""

    statuses: list[int] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200)

    async def wait(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} webhooks"
            await asyncio.sleep(0.01)


@dataclass
class Setup:
    vendor: SandboxKycVendor
    receiver: Receiver
    http: httpx.AsyncClient


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    receiver = Receiver()
    app = create_app(
        webhook_url="http://operator.test/hooks",
        webhook_secret=SECRET,
        retry=FAST,
        transport=httpx.MockTransport(receiver.handle),
    )
    transport = httpx.ASGITransport(app=app)
    vendor = SandboxKycVendor(
        base_url="http://sandkyc.test", secret=SECRET, tolerance_seconds=300, transport=transport
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://sandkyc.test") as http:
        yield Setup(vendor, receiver, http)


def person(surname: str, external_id: str = "case-1") -> ApplicantData:
    return ApplicantData(
        external_id=external_id,
        given_names="Ada",
        surname=surname,
        date_of_birth=date(1990, 1, 2),
        country="DE",
        nationality="DE",
    )


async def check(
    s: Setup, surname: str, *, tier: int = 1, docs: tuple[str, ...] = ("passport",)
) -> str:
    applicant = await s.vendor.upsert_applicant(person(surname))
    for kind in docs:
        await s.vendor.add_document(applicant, DocumentData(kind, f"{kind}.png", "aGVsbG8="))
    await s.vendor.request_check(applicant, tier=tier)
    return applicant


@pytest.mark.parametrize(
    ("surname", "status", "reasons"),
    [
        ("Lovelace", KycStatus.APPROVED, ()),
        ("reject", KycStatus.REJECTED, ("FORGERY",)),
        ("MOREINFO", KycStatus.NEEDS_MORE_INFO, ("DOCUMENT_UNREADABLE",)),
        ("Expire", KycStatus.EXPIRED, ("DOCUMENT_EXPIRED",)),
    ],
)
async def test_magic_surnames_decide_the_signed_verdict(
    setup: Setup, surname: str, status: KycStatus, reasons: tuple[str, ...]
) -> None:
    applicant = await check(setup, surname)
    await setup.receiver.wait(1)
    request = setup.receiver.received[0]
    notice = setup.vendor.parse_webhook(request.headers, request.content, now=datetime.now(UTC))
    assert notice.verdict is not None
    assert notice.verdict.status == status
    assert notice.verdict.reasons == reasons
    assert notice.verdict.applicant_id == applicant
    assert notice.verdict.external_id == "case-1"
    assert b"Ada" not in request.content  # no personal data in webhooks


async def test_moreinfo_then_a_resubmission_is_approved(setup: Setup) -> None:
    applicant = await check(setup, "MOREINFO")
    again = await setup.vendor.upsert_applicant(person("MOREINFO"))
    assert again == applicant  # the same external id is the same applicant
    await setup.vendor.request_check(applicant, tier=1)
    await setup.receiver.wait(2)
    results = [
        setup.vendor.parse_webhook(r.headers, r.content, now=datetime.now(UTC)).verdict
        for r in setup.receiver.received
    ]
    assert [v.status for v in results if v] == [KycStatus.NEEDS_MORE_INFO, KycStatus.APPROVED]


def test_tier2_without_proof_of_address_needs_more_info() -> None:
    assert verdict_for("Smith", level="tier2", document_types={"passport"}, attempt=1).result == (
        "needs_more_info"
    )
    both = {"passport", "proof_of_address"}
    assert verdict_for("Smith", level="tier2", document_types=both, attempt=1).result == "approved"


async def test_failed_deliveries_are_retried_until_2xx_with_the_same_bytes(setup: Setup) -> None:
    setup.receiver.statuses = [500, 503]
    applicant = await check(setup, "Lovelace")
    await setup.receiver.wait(3)
    bodies = {r.content for r in setup.receiver.received}
    assert len(bodies) == 1
    view = (await setup.http.get(f"/applicants/{applicant}")).json()
    deliveries = view["checks"][0]["deliveries"]
    assert [d["status_code"] for d in deliveries] == [500, 503, 200]
    assert view["checks"][0]["delivered"] is True
    for r in setup.receiver.received:
        assert r.headers[SIGNATURE_HEADER].startswith("t=")


async def test_redeliver_sends_the_same_event_again(setup: Setup) -> None:
    applicant = await check(setup, "Lovelace")
    await setup.receiver.wait(1)
    event_id = (await setup.http.get(f"/applicants/{applicant}")).json()["checks"][0]["event_id"]
    assert (await setup.http.post(f"/events/{event_id}/redeliver")).status_code == 202
    await setup.receiver.wait(2)
    assert setup.receiver.received[0].content == setup.receiver.received[1].content
    assert (await setup.http.post("/events/evt_nope/redeliver")).status_code == 404


async def test_slow_delays_the_first_delivery(setup: Setup) -> None:
    started = time.monotonic()
    await check(setup, "SLOW")
    await asyncio.sleep(0.1)
    assert setup.receiver.received == []
    await setup.receiver.wait(1)
    assert time.monotonic() - started >= FAST.slow_seconds


async def test_a_forged_or_tampered_webhook_is_refused(setup: Setup) -> None:
    await check(setup, "Lovelace")
    await setup.receiver.wait(1)
    request = setup.receiver.received[0]
    with pytest.raises(InvalidKycWebhookSignature):
        setup.vendor.parse_webhook(
            request.headers,
            request.content.replace(b"approved", b"rejected"),
            now=datetime.now(UTC),
        )
    other = SandboxKycVendor(base_url="", secret=b"other", tolerance_seconds=300)
    with pytest.raises(InvalidKycWebhookSignature):
        other.parse_webhook(request.headers, request.content, now=datetime.now(UTC))


async def test_invalid_input_is_a_problem_and_the_adapter_says_unavailable(setup: Setup) -> None:
    r = await setup.http.post("/applicants", json={"external_user_id": "x"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    with pytest.raises(KycVendorUnavailable):
        await setup.vendor.add_document("app_missing", DocumentData("passport", "p.png"))
    bad = await setup.http.post(
        "/applicants/app_x/documents",
        json={"type": "passport", "filename": "p", "content_base64": "!"},
    )
    assert bad.status_code == 404
    with pytest.raises(KycVendorUnavailable, match="no KYC vendor URL"):
        await SandboxKycVendor(base_url="", secret=b"", tolerance_seconds=1).request_check(
            "a", tier=1
        )


def company(name: str, external_id: str = "case-b") -> CompanyData:
    return CompanyData(
        external_id=external_id,
        legal_name=name,
        registration_number="HRB 1",
        country="DE",
        address={"line1": "Street 1", "city": "Berlin", "postal_code": "10117", "country": "DE"},
        beneficiaries=(
            BeneficiaryData("Grace", "Hopper", date(1976, 12, 9), "US", "60.00"),
            BeneficiaryData("Alan", "Turing", date(1962, 6, 23), "GB", "40.00"),
        ),
    )


async def test_a_company_applicant_gets_a_signed_verdict_by_its_name(setup: Setup) -> None:
    applicant = await setup.vendor.upsert_company(company("Moreinfo Holdings"))
    assert await setup.vendor.upsert_company(company("Moreinfo Holdings")) == applicant
    for kind in ("certificate_of_incorporation", "register_extract"):
        await setup.vendor.add_document(applicant, DocumentData(kind, f"{kind}.pdf"))
    for index in (0, 1):
        await setup.vendor.add_document(
            applicant, DocumentData("passport", "p.png"), beneficiary=index
        )
    await setup.vendor.request_check(applicant, tier=3)
    await setup.vendor.request_check(applicant, tier=3)
    await setup.receiver.wait(2)
    verdicts = [
        setup.vendor.parse_webhook(r.headers, r.content, now=datetime.now(UTC)).verdict
        for r in setup.receiver.received
    ]
    assert sorted(str(v.status) for v in verdicts if v is not None) == [
        "approved",
        "needs_more_info",
    ]
    shown = (await setup.http.get(f"/applicants/{applicant}")).json()
    assert (shown["type"], len(shown["beneficiaries"]), shown["checks"][0]["level"]) == (
        "company",
        2,
        "business",
    )
    assert "Hopper" not in setup.receiver.received[0].content.decode()


async def test_a_company_check_refuses_person_levels_and_unknown_owners(setup: Setup) -> None:
    applicant = await setup.vendor.upsert_company(company("Acme GmbH"))
    with pytest.raises(KycVendorUnavailable, match="invalid_beneficiary"):
        await setup.vendor.add_document(applicant, DocumentData("passport", "p.png"), beneficiary=7)
    with pytest.raises(KycVendorUnavailable, match="invalid_level"):
        await setup.vendor.request_check(applicant, tier=2)
    person_id = await setup.vendor.upsert_applicant(person("Lovelace", "case-p"))
    with pytest.raises(KycVendorUnavailable, match="invalid_level"):
        await setup.vendor.request_check(person_id, tier=3)
