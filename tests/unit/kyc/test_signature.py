"""Webhook signatures: constant-time HMAC over timestamp and raw body, with a tolerance."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from onramp.kyc.adapters.signature import signature_for, verify_signature
from onramp.kyc.errors import InvalidKycWebhookSignature

SECRET = b"whsec_kyc"
BODY = b'{"id":"evt_1","type":"applicant.reviewed"}'
NOW = 1_800_000_000


def header(secret: bytes = SECRET, t: int = NOW, body: bytes = BODY) -> str:
    return f"t={t},v1={signature_for(secret, t, body)}"


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET, f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature_for(SECRET, NOW, BODY) == expected


def test_a_fresh_correct_signature_passes() -> None:
    verify_signature(SECRET, header(), BODY, now=NOW + 10, tolerance_seconds=300)


def test_one_matching_v1_among_several_passes() -> None:
    both = f"t={NOW},v1={'0' * 64},v1={signature_for(SECRET, NOW, BODY)}"
    verify_signature(SECRET, both, BODY, now=NOW, tolerance_seconds=300)


@pytest.mark.parametrize(
    ("name", "value", "body", "now"),
    [
        ("wrong secret", header(secret=b"other"), BODY, NOW),
        ("body changed", header(), BODY + b" ", NOW),
        ("too old", header(t=NOW - 301), BODY, NOW),
        ("from the future", header(t=NOW + 301), BODY, NOW),
        ("timestamp changed", header().replace(f"t={NOW}", f"t={NOW + 1}"), BODY, NOW),
        ("missing", "", BODY, NOW),
        ("garbage", "t=abc,v1=zz", BODY, NOW),
        ("no v1", f"t={NOW}", BODY, NOW),
        ("not ascii", f"t={NOW},v1=é", BODY, NOW),
        ("huge", "t=1," + "v1=a," * 200, BODY, NOW),
    ],
)
def test_bad_signatures_are_refused(name: str, value: str, body: bytes, now: int) -> None:
    with pytest.raises(InvalidKycWebhookSignature) as raised:
        verify_signature(SECRET, value, body, now=now, tolerance_seconds=300)
    assert raised.value.code == "webhook_signature_invalid", name
