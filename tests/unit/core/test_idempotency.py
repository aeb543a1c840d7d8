"""Idempotency keys: the request fingerprint and the key rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.core.errors import InvalidInput
from onramp.core.idempotency import (
    MAX_KEY_LENGTH,
    IdempotencyKeyRequired,
    check_key,
    request_fingerprint,
)

BODY = {"amount": "1000.00", "currency": "EUR", "meta": {"a": 1, "b": [1, 2]}}


def test_fingerprint_is_sha256_hex() -> None:
    fp = request_fingerprint("POST", "/v1/orders", BODY)
    assert len(fp) == 64
    assert int(fp, 16) >= 0
    assert fp == request_fingerprint("POST", "/v1/orders", dict(BODY))


def test_fingerprint_ignores_key_order_at_every_level() -> None:
    reordered = {"meta": {"b": [1, 2], "a": 1}, "currency": "EUR", "amount": "1000.00"}
    assert list(reordered) != list(BODY)
    assert request_fingerprint("POST", "/v1/orders", reordered) == request_fingerprint(
        "POST", "/v1/orders", BODY
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/quotes", BODY),
        ("PUT", "/v1/orders", BODY),
        ("POST", "/v1/orders", {**BODY, "amount": "1000.01"}),
        ("POST", "/v1/orders", {**BODY, "extra": None}),
        ("POST", "/v1/orders", {**BODY, "meta": {"a": 1, "b": [2, 1]}}),  # list order counts
        ("POST", "/v1/orders", {**BODY, "meta": {"a": "1", "b": [1, 2]}}),  # types count
        ("POST", "/v1/orders", None),
        ("POST", "/v1/orders", {}),
    ],
)
def test_fingerprint_differs(method: str, path: str, body: Any) -> None:
    assert request_fingerprint(method, path, body) != request_fingerprint(
        "POST", "/v1/orders", BODY
    )


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(max_size=5),
        max_size=6,
    ),
    st.randoms(use_true_random=False),
)
def test_fingerprint_stable_under_any_key_order(body: dict[str, Any], rnd: Any) -> None:
    items = list(body.items())
    rnd.shuffle(items)
    assert request_fingerprint("POST", "/p", dict(items)) == request_fingerprint("POST", "/p", body)


@pytest.mark.parametrize("key", [None, "", " ", "   ", "\t", "\n", " \t\r\n "])
def test_missing_or_blank_key_is_required(key: str | None) -> None:
    with pytest.raises(IdempotencyKeyRequired) as info:
        check_key(key)
    assert info.value.code == "idempotency_key_required"
    assert isinstance(info.value, InvalidInput)


@pytest.mark.parametrize(
    "key",
    [
        "k" * (MAX_KEY_LENGTH + 1),
        "x" * 1000,
        "abc\x00def",
        "abc\ndef",
        "abc\tdef",
        "abc\x7f",
        "key\u200b",  # zero-width space is not printable
    ],
)
def test_too_long_or_non_printable_key_is_invalid(key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_key(key)
    assert not isinstance(info.value, IdempotencyKeyRequired)
    assert info.value.code == "invalid_input"


@pytest.mark.parametrize(
    "key",
    [
        "a",
        "k" * MAX_KEY_LENGTH,
        "0190f3c2-7b1e-7c3a-9d2e-5f4a3b2c1d0e",
        "order:2025-01-15:42",
        "with spaces inside",
        "~!@#$%^&*()_+",
    ],
)
def test_normal_keys_are_accepted_unchanged(key: str) -> None:
    assert check_key(key) == key
