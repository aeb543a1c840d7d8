"""The sample statements (samples/statements/ and ``onramp samples statements``): every format
onramp reads, each read back by the parser the real-world files in tests/data/iso20022 test,
giving one credit with the booking id as key, the payer, and the order's reference findable."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from onramp.banking.formats.detect import parse_statement
from onramp.banking.formats.statement import Direction, StatementFormat
from onramp.banking.references.reference_search import exact_candidates
from onramp.core.money import Money
from onramp.devstack.sample_statements import booking_for, render, static_examples

STATIC = Path(__file__).resolve().parents[3] / "samples" / "statements"
FORMATS = {
    "example-camt053.xml": StatementFormat.CAMT_053,
    "example-camt054.xml": StatementFormat.CAMT_054,
    "example-mt940.sta": StatementFormat.MT940,
    "example-bai2.txt": StatementFormat.BAI2,
}


def test_the_committed_examples_are_what_the_writers_write() -> None:
    # Regenerate with: .venv/bin/python -m onramp.devstack.sample_statements samples/statements
    assert sorted(p.name for p in STATIC.iterdir() if p.name != "README.md") == sorted(FORMATS)
    for name, data in static_examples().items():
        assert (STATIC / name).read_bytes() == data, name


@pytest.mark.parametrize(("name", "kind"), FORMATS.items())
def test_each_example_reads_as_one_credit_paying_its_order(
    name: str, kind: StatementFormat
) -> None:
    statement = parse_statement((STATIC / name).read_bytes())
    assert statement.format == kind
    assert statement.warnings == ()  # BAI2: the control totals and record counts add up
    (entry,) = statement.entries
    assert entry.key == "SMPL0B7E4F6A3C1D"
    assert entry.direction == Direction.CREDIT
    assert not entry.reversal
    assert entry.amount == Money(25000, "EUR")
    assert entry.counterparty_name == "Ada Lovelace"
    assert entry.counterparty_account == "GB33BUKB20201555555555"
    assert entry.end_to_end_id == "SAMPLE-0B7E4F6A3C1D"
    assert "RF60GYNEWVBKZWVC3VX4JMC6J" in exact_candidates(entry.reference_text)
    if kind != StatementFormat.CAMT_054:  # a notification states no balances
        closing = [b for b in statement.balances if b.kind == "closing"]
        assert [b.amount for b in closing] == [25000]


@pytest.mark.parametrize("fmt", ["camt.053", "camt.054", "mt940", "bai2"])
def test_a_statement_is_the_same_bytes_for_the_same_order(fmt: str) -> None:
    order = {
        "id": "5f0c1b7e-0000-4000-8000-000000000001",
        "created_at": "2026-04-01T12:00:00.123456+00:00",
        "deposit_instructions": {
            "amount": "120.00",
            "currency": "EUR",
            "reference": "RF18 5390 0754 7034",
            "iban": "DE89370400440532013000",
        },
    }
    booking = booking_for(order, "Grace Hopper")
    assert booking.amount == Decimal("120.00")
    assert len(booking.entry_id) == 16
    first = render(fmt, "DE89370400440532013000", booking)
    assert render(fmt, "DE89370400440532013000", booking_for(order, "Grace Hopper")) == first
    (entry,) = parse_statement(first).entries
    assert entry.key == booking.entry_id
    assert "RF18539007547034" in exact_candidates(entry.reference_text)
