"""Finding a creditor reference in what a sender typed, typos included."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onramp.banking.references.creditor_reference import (
    creditor_reference_for_order,
    format_creditor_reference,
    is_valid_creditor_reference,
)
from onramp.banking.references.reference_search import (
    _corrections,
    corrected_candidates,
    exact_candidates,
)

REF = creditor_reference_for_order(uuid.UUID("0190f5d2-7c4e-7b1a-9c3d-2e4f6a8b0c1d"))


def _other(char: str) -> str:
    return "7" if char != "7" else "8"


@pytest.mark.parametrize(
    "text",
    [
        REF,
        REF.lower(),
        format_creditor_reference(REF),
        f"Invoice 42 {format_creditor_reference(REF).lower()} thank you",
        f"/RFB/{REF}",
        f"payment for {REF[:9]} {REF[9:]}",
    ],
)
def test_a_reference_is_found_anywhere_in_any_case_and_grouping(text: str) -> None:
    assert REF in exact_candidates(text)


def test_text_after_the_reference_does_not_hide_it() -> None:
    # Spaces dropped, "THANKS" runs into the reference: its own length is still tried.
    assert REF in exact_candidates(f"{format_creditor_reference(REF)} THANKS")


def test_text_without_a_reference_has_no_candidates() -> None:
    assert exact_candidates("rent march, flat 3") == []
    assert corrected_candidates("rent march, flat 3") == []


@pytest.mark.parametrize("position", [2, 3, 4, 12, 24])
def test_one_substituted_character_is_corrected(position: int) -> None:
    typo = REF[:position] + _other(REF[position]) + REF[position + 1 :]
    assert not is_valid_creditor_reference(typo)  # the check catches it...
    assert REF in corrected_candidates(f"ref {typo}")  # ...and the search repairs it


@pytest.mark.parametrize(("confused", "meant"), [("O", "0"), ("I", "1"), ("S", "5")])
def test_look_alike_characters_are_corrected(confused: str, meant: str) -> None:
    ref = next(
        r
        for r in (creditor_reference_for_order(uuid.uuid4()) for _ in range(500))
        if meant in r[4:]
    )
    i = ref.index(meant, 4)
    typo = ref[:i] + confused + ref[i + 1 :]
    assert ref in corrected_candidates(typo)


def test_swapped_neighbours_a_missing_and_a_doubled_character_are_corrected() -> None:
    i = next(i for i in range(4, 24) if REF[i] != REF[i + 1])
    swapped = REF[:i] + REF[i + 1] + REF[i] + REF[i + 2 :]
    missing = REF[:10] + REF[11:]
    doubled = REF[:10] + REF[10] + REF[10:]
    assert REF in corrected_candidates(swapped)
    assert REF in corrected_candidates(f"{missing} Rent")
    assert REF in corrected_candidates(doubled)


def test_every_candidate_passes_the_check() -> None:
    typo = REF[:8] + _other(REF[8]) + REF[9:]
    found = corrected_candidates(typo)
    assert found
    assert all(is_valid_creditor_reference(c) for c in found)
    # One typo leaves about one valid variant in 97: few enough to look up, never a guess.
    assert len(found) < 60


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _one_typo_away(body: str, length: int) -> set[str]:
    """The specification, by brute force: every one-typo variant, checked whole."""
    out: set[str] = set()
    if len(body) >= length:
        t = body[:length]
        out |= {t[:i] + c + t[i + 1 :] for i in range(length) for c in ALPHABET if c != t[i]}
        out |= {t[:i] + t[i + 1] + t[i] + t[i + 2 :] for i in range(length - 1)}
    if len(body) >= length - 1:
        short = body[: length - 1]
        out |= {short[:i] + c + short[i:] for i in range(length) for c in ALPHABET}
    if len(body) > length:
        long = body[: length + 1]
        out |= {long[:i] + long[i + 1 :] for i in range(length + 1)}
    return {v for v in out if is_valid_creditor_reference("RF" + v)}


@settings(max_examples=60, deadline=None)
@given(
    order=st.uuids(),
    typo=st.sampled_from(["substitute", "drop", "insert", "swap"]),
    at=st.integers(0, 22),
    char=st.sampled_from(ALPHABET),
)
def test_the_fast_correction_finds_exactly_the_valid_one_typo_variants(
    order: uuid.UUID, typo: str, at: int, char: str
) -> None:
    ref = creditor_reference_for_order(order)[2:]
    typed = {
        "substitute": ref[:at] + char + ref[at + 1 :],
        "drop": ref[:at] + ref[at + 1 :],
        "insert": ref[:at] + char + ref[at:],
        "swap": ref[:at] + ref[at + 1 : at + 2] + ref[at : at + 1] + ref[at + 2 :],
    }[typo]
    body = (typed + "THANKS")[:24]
    for length in (23, 22):
        assert _corrections(body, length) == _one_typo_away(body, length)
