"""Signed quote terms: any change to a priced field breaks the signature; another key too."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from onramp.fx.signing import QuoteTerms, canonical, sign, verify

KEY = b"k" * 32
NOW = datetime(2025, 5, 9, 12, 0, 0, 123456, tzinfo=UTC)
TERMS = QuoteTerms(
    id=uuid.UUID("01890000-0000-7000-8000-000000000001"),
    customer_id=uuid.UUID("01890000-0000-7000-8000-000000000002"),
    tier=2,
    side="source",
    source_currency="EUR",
    source_amount=100_000,
    target_currency="USDC",
    target_amount=1_117_334_852,
    fee_amount=500,
    mid_rate=Decimal("1.1252"),
    rate=Decimal("1.1229496"),
    spread_bps=20,
    rates_day="2025-05-09",
    created_at=NOW,
    expires_at=NOW + timedelta(minutes=15),
)


def test_signature_verifies_and_is_stable() -> None:
    signature = sign(TERMS, KEY)
    assert signature.startswith("v1:")
    assert verify(TERMS, KEY, signature)
    assert sign(TERMS, KEY) == signature


def test_equal_decimals_and_instants_sign_alike() -> None:
    # as read back from the database: 18 decimals, another zone
    stored = dataclasses.replace(
        TERMS,
        mid_rate=Decimal("1.125200000000000000"),
        created_at=NOW.astimezone(datetime.now().astimezone().tzinfo),
    )
    assert canonical(stored) == canonical(TERMS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_amount", 1_117_334_853),
        ("source_amount", 99_999),
        ("fee_amount", 0),
        ("rate", Decimal("1.1229497")),
        ("mid_rate", Decimal("1.1253")),
        ("spread_bps", 0),
        ("tier", 3),
        ("expires_at", NOW + timedelta(hours=24)),
        ("customer_id", uuid.UUID(int=1)),
        ("source_currency", "GBP"),
    ],
)
def test_any_altered_field_breaks_the_signature(field: str, value: Any) -> None:
    signature = sign(TERMS, KEY)
    assert not verify(dataclasses.replace(TERMS, **{field: value}), KEY, signature)


def test_another_key_does_not_verify() -> None:
    assert not verify(TERMS, b"x" * 32, sign(TERMS, KEY))
