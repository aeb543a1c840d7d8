"""The staff order search checks every parameter before any query: stable codes, no 500."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.orders.staff.search import decode_cursor, encode_cursor, order_search
from onramp.orders.states import OrderState


def test_a_cursor_round_trips() -> None:
    at, order_id = datetime(2026, 12, 10, 9, 30, 1, 123456, tzinfo=UTC), uuid.uuid4()
    assert decode_cursor(encode_cursor(at, order_id)) == (at, order_id)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 at all!",
        "W10",  # []
        "e30",  # {}
        encode_cursor(datetime(2026, 1, 1, tzinfo=UTC), uuid.UUID(int=0x4561C2F5))[:-3],
        "x" * 201,
        # A time without a zone is not one this search returned.
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwIl0",
    ],
)
def test_a_foreign_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_cursor(cursor)
    assert info.value.code == "cursor_invalid"


def test_filters_are_normalised() -> None:
    search = order_search(
        state=OrderState.FAILED,
        reference="rf18 5390 0754 7034",
        amount_min="10",
        amount_max="10.50",
        currency_code="eur",
        created_from=datetime(2026, 1, 1),
    )
    assert search.reference == "RF18539007547034"
    assert (search.amount_min, search.amount_max) == (
        Money.parse("10.00", "EUR"),
        Money.parse("10.50", "EUR"),
    )
    assert search.created_from == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount_min": "10.00"}, "order_search_invalid"),  # an amount needs its currency
        ({"amount_min": "9", "amount_max": "8", "currency_code": "EUR"}, "order_search_invalid"),
        ({"amount_min": "1.001", "currency_code": "EUR"}, "amount_too_precise"),
        ({"amount_max": "-1", "currency_code": "EUR"}, "amount_negative"),
        ({"amount_max": "1e3", "currency_code": "EUR"}, "invalid_amount"),
        ({"currency_code": "XXX"}, "unknown_currency"),
        ({"reference": "RF00 NOT VALID"}, "invalid_creditor_reference"),
        (
            {
                "created_from": datetime(2026, 1, 2, tzinfo=UTC),
                "created_to": datetime(2026, 1, 2, tzinfo=UTC) - timedelta(seconds=1),
            },
            "order_search_invalid",
        ),
    ],
)
def test_bad_filters_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInput) as info:
        order_search(**kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
