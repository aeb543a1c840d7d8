from __future__ import annotations

import string
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.banking.references.creditor_reference import (
    InvalidCreditorReference,
    creditor_reference_for_order,
    format_creditor_reference,
    is_valid_creditor_reference,
    make_creditor_reference,
    normalize_creditor_reference,
)
from onramp.core.errors import InvalidInput

ALPHABET = string.digits + string.ascii_uppercase
payloads = st.text(alphabet=ALPHABET, min_size=1, max_size=21)


def test_example_from_the_standard() -> None:
    assert make_creditor_reference("539007547034") == "RF18539007547034"
    assert normalize_creditor_reference("RF18 5390 0754 7034") == "RF18539007547034"
    assert normalize_creditor_reference("RF18539007547034") == "RF18539007547034"
    assert format_creditor_reference("RF18539007547034") == "RF18 5390 0754 7034"


def test_short_example() -> None:
    assert make_creditor_reference("2348231") == "RF712348231"
    assert is_valid_creditor_reference("RF712348231")
    assert format_creditor_reference("rf712348231") == "RF71 2348 231"


@pytest.mark.parametrize(
    "text",
    [
        "rf18 5390 0754 7034",
        "Rf18539007547034",
        "  RF18 5390 0754 7034  ",
        "RF18  5390   0754 7034",
        "RF 18 53 90 07 54 70 34",
        "\tRF18539007547034\n",
    ],
)
def test_normalize_accepts_case_and_spacing(text: str) -> None:
    assert normalize_creditor_reference(text) == "RF18539007547034"
    assert is_valid_creditor_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "RF",
        "RF18",
        "RF19539007547034",  # wrong check digits
        "RF18539007547035",  # payload changed
        "RF81539007547034",  # check digits swapped
        "XX18539007547034",
        "RF1853900754703-",
        "RF18\t5390",
        "RF18_5390_0754_7034",
        "RF18 5390\n0754 7034",
        "RF18５３９００７５４７０３４",  # full-width digits
        "RF" + "0" * 2 + "1" * 22,  # 26 characters
        "RFAB539007547034",
    ],
)
def test_normalize_rejects(text: str) -> None:
    with pytest.raises(InvalidCreditorReference) as info:
        normalize_creditor_reference(text)
    assert info.value.code == "invalid_creditor_reference"
    assert isinstance(info.value, InvalidInput)
    assert not is_valid_creditor_reference(text)


@pytest.mark.parametrize("value", [None, 12345, b"RF18539007547034"])
def test_non_strings_are_invalid(value: Any) -> None:
    assert not is_valid_creditor_reference(value)
    with pytest.raises(InvalidCreditorReference):
        make_creditor_reference(value)


def test_check_digits_outside_02_to_98_are_rejected() -> None:
    # 00, 01 and 99 satisfy the modulus when 97, 98 and 02 do, but are never issued.
    found = {"97": "00", "98": "01", "02": "99"}
    seen: set[str] = set()
    for number in range(100_000):
        reference = make_creditor_reference(str(number))
        check = reference[2:4]
        if check in found and check not in seen:
            seen.add(check)
            alias = "RF" + found[check] + reference[4:]
            assert not is_valid_creditor_reference(alias)
        if seen == set(found):
            break
    assert seen == set(found)


@pytest.mark.parametrize("payload", ["", "A" * 22, "AB-12", "AB 12", "ÄB12", "ı", "ſ", "12.5"])
def test_make_rejects_bad_payloads(payload: str) -> None:
    with pytest.raises(InvalidCreditorReference):
        make_creditor_reference(payload)


@given(payloads)
def test_make_then_normalize_round_trips(payload: str) -> None:
    reference = make_creditor_reference(payload)
    assert reference[:2] == "RF"
    assert reference[4:] == payload
    assert 5 <= len(reference) <= 25
    assert "02" <= reference[2:4] <= "98"
    assert normalize_creditor_reference(reference) == reference
    assert normalize_creditor_reference(reference.lower()) == reference
    printed = format_creditor_reference(reference)
    assert all(len(group) == 4 for group in printed.split(" ")[:-1])
    assert normalize_creditor_reference(printed) == reference
    assert make_creditor_reference(payload.lower()) == reference


@given(payloads, st.data())
def test_single_substitution_of_same_kind_is_detected(payload: str, data: st.DataObject) -> None:
    """A digit replaced by a digit, or a letter by a letter, anywhere after "RF", is always caught:
    it changes the number by d * 10**k with 0 < |d| < 97, and 97 is prime."""
    reference = make_creditor_reference(payload)
    position = data.draw(st.integers(min_value=2, max_value=len(reference) - 1))
    same_kind = string.digits if reference[position].isdigit() else string.ascii_uppercase
    replacement = data.draw(st.sampled_from(same_kind).filter(lambda c: c != reference[position]))
    tampered = reference[:position] + replacement + reference[position + 1 :]
    assert not is_valid_creditor_reference(tampered)
    assert not is_valid_creditor_reference(tampered.lower())


@given(payloads, st.data())
def test_substituting_a_check_digit_is_always_detected(payload: str, data: st.DataObject) -> None:
    reference = make_creditor_reference(payload)
    position = data.draw(st.sampled_from([2, 3]))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != reference[position]))
    tampered = reference[:position] + replacement + reference[position + 1 :]
    assert not is_valid_creditor_reference(tampered)


def test_digit_letter_substitution_is_not_always_detected() -> None:
    """Known limit of ISO 11649: a letter counts as two decimal digits, so swapping a digit for a
    letter changes the length of the number and slips through about once in 97 times."""
    assert make_creditor_reference("TW2HW6") == "RF87TW2HW6"
    assert make_creditor_reference("TW2HWN") == "RF87TW2HWN"
    assert is_valid_creditor_reference("RF87TW2HWN")


def test_reference_for_order_examples() -> None:
    assert creditor_reference_for_order(uuid.UUID(int=0)) == make_creditor_reference("0" * 21)
    assert creditor_reference_for_order(uuid.UUID(int=35)) == make_creditor_reference(
        "0" * 20 + "Z"
    )
    assert creditor_reference_for_order(uuid.UUID(int=36**21)) == creditor_reference_for_order(
        uuid.UUID(int=0)
    )


@given(st.uuids())
def test_reference_for_order(order_id: uuid.UUID) -> None:
    reference = creditor_reference_for_order(order_id)
    assert len(reference) == 25
    assert normalize_creditor_reference(reference) == reference
    payload = reference[4:]
    assert payload == payload.upper()
    assert len(payload) == 21
    assert int(payload, 36) == order_id.int % 36**21
    assert creditor_reference_for_order(uuid.UUID(str(order_id))) == reference


def test_reference_for_order_needs_a_uuid() -> None:
    with pytest.raises(InvalidCreditorReference):
        creditor_reference_for_order("00000000-0000-0000-0000-000000000000")  # type: ignore[arg-type]
