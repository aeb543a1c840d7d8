"""The real camt samples (tests/data/iso20022, sources in tests/data/SOURCES.md) parse to the
entries they hold: counts, amounts, directions, batch transactions, references and reversals,
across versions .001.02 to .001.08."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from onramp.banking.formats import CamtDocument, parse_camt
from onramp.banking.formats.camt import CamtInvalid

DATA = Path(__file__).resolve().parents[3] / "data" / "iso20022"


def _parse(name: str) -> CamtDocument:
    return parse_camt((DATA / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "message", "version", "entries", "credits", "transactions"),
    [
        ("FI_camt_053_sample.xml.xml", "camt.053", "camt.053.001.02", 10, 6, 12),
        ("camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", "camt.053",
         "camt.053.001.04", 5, 4, 5),
        ("camt053.v8.xml", "camt.053", "camt.053.001.08", 1, 1, 1),
        ("FI_camt_054_sample.xml.xml", "camt.054", "camt.054.001.02", 6, 4, 13),
        ("200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml", "camt.054",
         "camt.054.001.04", 1, 1, 6),
        ("camt054.v8.xml", "camt.054", "camt.054.001.08", 1, 0, 3),
    ],
)  # fmt: skip
def test_every_sample_parses_to_its_entries(
    name: str, message: str, version: str, entries: int, credits: int, transactions: int
) -> None:
    doc = _parse(name)
    assert (doc.message, doc.version) == (message, version)
    assert len(doc.entries) == entries
    assert len(doc.credits) == credits
    assert len(doc.debits) == entries - credits
    assert sum(len(e.transactions) for e in doc.entries) == transactions
    assert all(e.key for e in doc.entries)


def test_finnish_statement_entries_references_and_parties() -> None:
    doc = _parse("FI_camt_053_sample.xml.xml")
    assert (doc.account, doc.account_currency) == ("FI7433010001222090", "EUR")
    assert doc.message_id
    by_key = {e.key: e for e in doc.entries}
    sct = by_key["091029ACCTSTMTARCH08"]
    assert (sct.amount, sct.currency, sct.credit, sct.status) == (
        Decimal("10000.00"),
        "EUR",
        True,
        "BOOK",
    )
    assert sct.booking_date == date(2009, 10, 29)
    (tx,) = sct.transactions
    assert (tx.end_to_end_id, tx.creditor_reference, tx.debtor_name) == (
        "EndToEndIdSCT01",
        "RF98123456789012",
        "DEBTOR",
    )
    total_in = sum((e.amount for e in doc.credits), Decimal(0))
    total_out = sum((e.amount for e in doc.debits), Decimal(0))
    assert (total_in, total_out) == (Decimal("23075.00"), Decimal("9430.17"))


def test_a_returned_direct_debit_is_a_reversal_with_its_reasons() -> None:
    doc = _parse("FI_camt_054_sample.xml.xml")
    (returned,) = [e for e in doc.entries if e.reversal]
    assert (returned.key, returned.amount, returned.credit, returned.status) == (
        "091029ACCTSTMTERR01",
        Decimal("100.00"),
        True,  # CRDT with RvslInd: it reverses an earlier debit
        "INFO",
    )
    assert [(t.amount, t.return_reason, t.creditor_reference) for t in returned.transactions] == [
        (Decimal("40.00"), "AC01", "2345678917"),
        (Decimal("60.00"), "CUST", "1234567897"),
    ]


def test_a_batch_credit_carries_each_senders_transaction() -> None:
    doc = _parse("200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml")
    (batch,) = doc.entries
    assert (batch.amount, batch.currency, batch.credit) == (Decimal("1500.00"), "CHF", True)
    assert doc.account == "CH2909000000250094239"
    assert [t.end_to_end_id for t in batch.transactions] == [
        f"EndToEndId-001-03-0{i}" for i in range(1, 7)
    ]
    assert sum((t.amount or Decimal(0) for t in batch.transactions), Decimal(0)) == Decimal(
        "1500.00"
    )
    assert {t.debtor_name for t in batch.transactions} >= {"Bernasconi Maria"}


def test_version_8_names_parties_inside_pty_and_statuses_as_codes() -> None:
    doc = _parse("camt053.v8.xml")
    (entry,) = doc.entries
    assert (entry.amount, entry.currency, entry.credit, entry.status) == (
        Decimal("8.85"),
        "EUR",
        True,
        "BOOK",
    )
    (tx,) = entry.transactions
    assert (tx.end_to_end_id, tx.debtor_name, tx.debtor_account) == (
        "MUELL/FINP/RA12345",
        "NAME NAME",
        "NL56AGDH9619008421",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"not xml",
        b"<Document><Other/></Document>",
        b'<!DOCTYPE d [<!ENTITY x "y">]><Document>&x;</Document>',
        b"<Document><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>",
        b"<Document><BkToCstmrStmt><Stmt><Ntry><Amt>1.00</Amt></Ntry></Stmt></BkToCstmrStmt>"
        b"</Document>",
        b'<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">x</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        b"</Ntry></Stmt></BkToCstmrStmt></Document>",
    ],
)
def test_unreadable_files_are_refused_with_a_code(data: bytes) -> None:
    with pytest.raises(CamtInvalid) as refused:
        parse_camt(data)
    assert refused.value.code == "camt_invalid"


def test_statements_carry_their_booked_opening_and_closing_balances() -> None:
    from onramp.banking.formats.camt_statement import camt_statement
    from onramp.banking.formats.statement import BalanceKind, StatementBalance

    def balances(name: str) -> tuple[StatementBalance, ...]:
        return camt_statement(_parse(name)).balances

    post = "CH2909000000250094239"
    # PostFinance: OPBD and CLBD kept; CLAV and FWAV (available, forward) are not booked ones.
    assert balances("camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml") == (
        StatementBalance(BalanceKind.OPENING, 211993_19, "CHF", date(2020, 11, 24), post),
        StatementBalance(BalanceKind.CLOSING, 215112_21, "CHF", date(2020, 11, 24), post),
    )
    # Finnish: the credit line beside each balance is not the balance; PRCD is skipped.
    fi = balances("FI_camt_053_sample.xml.xml")
    assert [(b.kind, b.amount, b.currency, b.on) for b in fi] == [
        (BalanceKind.OPENING, 10000_00, "EUR", date(2009, 10, 29)),
        (BalanceKind.CLOSING, 23644_83, "EUR", date(2009, 10, 29)),
    ]
    # A debit (DBIT) balance is an overdrawn account: negative.
    v8 = balances("camt053.v8.xml")
    assert [(b.kind, b.amount, b.currency) for b in v8] == [
        (BalanceKind.OPENING, 18_15, "EUR"),
        (BalanceKind.CLOSING, -27_00, "SEK"),
    ]
    # A notification states no balance.
    assert balances("FI_camt_054_sample.xml.xml") == ()


def test_entries_carry_their_bank_transaction_code() -> None:
    from onramp.banking.formats.camt_statement import camt_statement

    entries = camt_statement(_parse("FI_camt_053_sample.xml.xml")).entries
    codes = [e.bank_tx_code for e in entries]
    assert codes[0] == "PMNT/ICDT/SALA"
    # The Finnish statement's last booking is the bank's charge for the period.
    assert (entries[-1].direction.value, codes[-1]) == ("debit", "PMNT/RCDT/CHRG")
