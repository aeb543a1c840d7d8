"""The sandbox KYC vendor's signed webhooks obey the vendor input rule: a verdict carrying a
control character or a field longer than its column is malformed, not a database error."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from onramp.kyc.adapters.sandbox import SIGNATURE_HEADER, SandboxKycVendor
from onramp.kyc.adapters.signature import signature_for
from onramp.kyc.errors import MalformedKycNotification
from onramp.kyc.states import KycStatus

SECRET = b"whsec_kyc"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def reviewed(**changes: Any) -> bytes:
    data = {
        "applicant_id": "app_1",
        "check_id": "chk_1",
        "external_user_id": "user-1",
        "result": "approved",
        "reasons": [],
        "reviewed_at": "2026-01-01T00:00:00Z",
    } | changes
    event = {"id": "evt_1", "type": "applicant.reviewed", "created_at": "2026-01-01T00:00:00Z"}
    return orjson.dumps(event | {"data": data})


def parse(body: bytes) -> Any:
    vendor = SandboxKycVendor(base_url="http://kyc.test", secret=SECRET, tolerance_seconds=300)
    stamp = int(NOW.timestamp())
    headers = {SIGNATURE_HEADER: f"t={stamp},v1={signature_for(SECRET, stamp, body)}"}
    return vendor.parse_webhook(headers, body, now=NOW)


def test_an_ordinary_verdict_parses() -> None:
    notice = parse(reviewed(reasons=["document expired"]))

    assert notice.verdict.status is KycStatus.APPROVED
    assert notice.verdict.reasons == ("document expired",)


@pytest.mark.parametrize(
    "changes",
    [
        {"external_user_id": "user\x00"},
        {"reasons": ["ok", "bad\x07"]},
        {"applicant_id": "a" * 101},
        {"reasons": ["r"] * 51},
    ],
    ids=["NUL", "a bell in a reason", "applicant id over its column", "too many reasons"],
)
def test_a_verdict_outside_the_rule_is_malformed(changes: dict[str, Any]) -> None:
    with pytest.raises(MalformedKycNotification):
        parse(reviewed(**changes))
