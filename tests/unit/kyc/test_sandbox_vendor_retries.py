"""The KYC adapter over a flaky vendor: an applicant (upserted by our case id) is sent again
after a transient failure; a check, which would start a second review, never is."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from onramp.kyc.adapters.base import ApplicantData
from onramp.kyc.adapters.sandbox import SandboxKycVendor
from onramp.kyc.errors import KycVendorUnavailable
from tests.unit.core.scripted_vendor import NO_WAIT, ScriptedVendor

APPLICANT = ApplicantData(
    external_id="case-1",
    given_names="Jane",
    surname="Doe",
    date_of_birth=date(1990, 1, 2),
    country="DE",
    nationality="DE",
)


def vendor(scripted: ScriptedVendor) -> SandboxKycVendor:
    return SandboxKycVendor(
        base_url="http://kyc",
        secret=b"s",
        tolerance_seconds=300,
        transport=scripted.transport(),
        retry=NO_WAIT,
    )


async def test_an_applicant_is_sent_again_after_a_503() -> None:
    scripted = ScriptedVendor([httpx.Response(503), httpx.Response(201, json={"id": "app_1"})])
    kyc = vendor(scripted)

    assert await kyc.upsert_applicant(APPLICANT) == "app_1"
    assert len(scripted.received) == 2
    assert scripted.received[0].content == scripted.received[1].content


async def test_a_check_is_requested_once_whatever_the_failure() -> None:
    scripted = ScriptedVendor([httpx.Response(503), httpx.Response(202, json={"id": "chk_1"})])
    kyc = vendor(scripted)

    with pytest.raises(KycVendorUnavailable, match="KYC vendor answered 503") as caught:
        await kyc.request_check("app_1", tier=1)

    assert len(scripted.received) == 1
    assert caught.value.code == "kyc_vendor_unavailable"
