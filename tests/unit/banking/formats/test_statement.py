"""Every format in one statement shape: detection by content, and camt entries (batches split
per transaction) as statement entries keyed by the bank's booking reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.banking.formats import (
    Direction,
    FileKind,
    StatementFileUnknown,
    StatementFormat,
    detect_format,
    parse_statement,
)
from onramp.banking.formats.camt import CamtInvalid
from onramp.banking.formats.statement import StatementAmountInvalid
from onramp.core.money import Money

DATA = Path(__file__).resolve().parents[3] / "data" / "iso20022"
PF_054 = "200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml"
PF_053 = "camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml"


@pytest.mark.parametrize(
    ("name", "kind", "fmt", "entries", "credits"),
    [
        ("FI_camt_053_sample.xml.xml", FileKind.CAMT, StatementFormat.CAMT_053, 13, 6),
        (PF_053, FileKind.CAMT, StatementFormat.CAMT_053, 5, 4),
        ("camt053.v8.xml", FileKind.CAMT, StatementFormat.CAMT_053, 1, 1),
        ("FI_camt_054_sample.xml.xml", FileKind.CAMT, StatementFormat.CAMT_054, 13, 8),
        (PF_054, FileKind.CAMT, StatementFormat.CAMT_054, 6, 6),
        ("camt054.v8.xml", FileKind.CAMT, StatementFormat.CAMT_054, 1, 0),
        ("mt940/sepa_snippet.sta", FileKind.MT940, StatementFormat.MT940, 11, 8),
        ("mt940/0708271685_09022020_164516.940.txt", FileKind.MT940, StatementFormat.MT940, 8, 3),
        ("bai2/sample2.txt", FileKind.BAI2, StatementFormat.BAI2, 4, 4),
        ("bai2/sample5-issue113.txt", FileKind.BAI2, StatementFormat.BAI2, 20, 11),
    ],
)
def test_every_real_sample_is_detected_and_read(
    name: str, kind: FileKind, fmt: StatementFormat, entries: int, credits: int
) -> None:
    data = (DATA / name).read_bytes()
    assert detect_format(data) is kind
    s = parse_statement(data)
    assert s.format is fmt
    assert (len(s.entries), len(s.credits)) == (entries, credits)
    assert len({e.key for e in s.entries}) == entries  # one key per booking, even where
    assert all(e.amount.is_positive() for e in s.entries)  # the bank repeated a reference


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"<?xml version='1.0'?><Document><CstmrCdtTrfInitn/></Document>",
        b"name,amount\nx,1\n",
        b":20:only a reference\n",
    ],
)
def test_unknown_content_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(StatementFileUnknown) as raised:
        parse_statement(data)
    assert raised.value.code == "bank_file_format_unknown"


def test_detection_ignores_a_byte_order_mark_and_leading_blank_lines() -> None:
    data = b"\xef\xbb\xbf\n\n" + (DATA / "bai2" / "sample2.txt").read_bytes()
    assert detect_format(data) is FileKind.BAI2


def test_malformed_camt_is_camt_invalid() -> None:
    with pytest.raises(CamtInvalid):
        parse_statement(b"<Document><BkToCstmrStmt><Stmt><Ntry>")


def test_batch_booking_splits_per_transaction_keyed_by_its_reference() -> None:
    s = parse_statement((DATA / PF_054).read_bytes())
    assert [e.key for e in s.entries] == [f"{i:016d}" for i in range(1, 7)]
    assert sum(e.amount.minor for e in s.entries) == 1500_00  # the booked batch
    first = s.entries[0]
    assert (first.amount, first.direction) == (Money(400_00, "CHF"), Direction.CREDIT)
    assert (first.end_to_end_id, first.counterparty_name) == (
        "EndToEndId-001-03-01",
        "Bernasconi Maria",
    )


def test_batch_without_transaction_references_uses_entry_reference_and_index() -> None:
    s = parse_statement((DATA / "FI_camt_054_sample.xml.xml").read_bytes())
    keys = [e.key for e in s.entries]
    assert "091029NTFCTNXBCT010101:1" in keys
    assert "091029NTFCTNXBCT010101:2" in keys


def test_credit_fields_for_matching() -> None:
    s = parse_statement((DATA / "FI_camt_053_sample.xml.xml").read_bytes())
    sct = next(e for e in s.entries if e.key == "091029ACCTSTMTARCH08")
    assert (sct.amount, sct.direction, sct.booked) == (
        Money(10000_00, "EUR"),
        Direction.CREDIT,
        True,
    )
    assert (sct.end_to_end_id, sct.creditor_reference) == ("EndToEndIdSCT01", "RF98123456789012")
    assert sct.reference_text == "RF98123456789012"  # the structured reference wins


def test_information_only_reversal_is_not_booked() -> None:
    s = parse_statement((DATA / "FI_camt_054_sample.xml.xml").read_bytes())
    info = [e for e in s.entries if not e.booked]
    assert [(e.amount.minor, e.return_reason, e.reversal) for e in info] == [
        (40_00, "AC01", True),
        (60_00, "CUST", True),
    ]


def test_same_reference_twice_in_one_file_stays_two_bookings() -> None:
    s = parse_statement((DATA / PF_053).read_bytes())
    assert [e.key for e in s.entries][-2:] == ["07582000303KBMSU", "07582000303KBMSU:2"]


def test_amount_finer_than_the_currency_is_refused() -> None:
    text = (
        ":20:S\n:25:ACC\n:28C:1\n:60F:C240102JPY0,\n:61:2401020102C1,5NTRFNONREF//R1\n"
        ":62F:C240102JPY1,5\n-\n"
    )
    with pytest.raises(StatementAmountInvalid):
        parse_statement(text.encode())
