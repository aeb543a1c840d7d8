"""The real BAI2 samples (tests/data/iso20022/bai2, sources in tests/data/SOURCES.md) read into
statement entries: details, amounts in minor units, directions, tags and returns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onramp.banking.formats import Direction, StatementFormat
from onramp.banking.formats.bai2 import Bai2Invalid, parse_bai2
from onramp.core.money import Money

DATA = Path(__file__).resolve().parents[3] / "data" / "iso20022" / "bai2"


def test_compact_file_with_continued_account_records() -> None:
    s = parse_bai2((DATA / "sample2.txt").read_bytes())
    assert s.format is StatementFormat.BAI2
    assert s.warnings == ()  # the control totals add up once continuations are read as fields
    assert (len(s.entries), len(s.credits), len(s.debits)) == (4, 4, 0)
    assert [e.amount for e in s.entries] == [
        Money(450000, "USD"),
        Money(500000, "USD"),
        Money(20000000, "USD"),
        Money(10000000, "USD"),
    ]
    lc = s.entries[2]
    assert lc.key == "SP4738"
    assert lc.end_to_end_id == "YRC065321"
    assert lc.remittance == "PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO"
    assert lc.booking_date == date(2004, 6, 20)
    assert s.entries[1].remittance == "LOCK BOX NO.68751"
    # Details without a bank reference get a derived key, distinct from each other.
    assert len({e.key for e in s.entries}) == 4


def test_bank_style_file_with_tags_and_returns() -> None:
    s = parse_bai2((DATA / "sample5-issue113.txt").read_bytes())
    assert (len(s.entries), len(s.credits), len(s.debits)) == (20, 11, 9)
    assert s.warnings  # its record counts do not follow the spec; the entries still read
    by_key = {e.key: e for e in s.entries}
    wire = by_key["GI2323300007089"]
    assert (wire.amount, wire.direction) == (Money(3797999624, "USD"), Direction.CREDIT)
    assert wire.end_to_end_id == "20230821J1Q5040C000707"
    assert wire.counterparty_name == "TEST AND COMPANY"
    assert wire.counterparty_account == "000001000600427"
    rtp = by_key["GI2228400005800"]
    assert (rtp.remittance, rtp.counterparty_name) == ("Test Remittance", "SAMPLE INC")
    # 557 "Individual ACH Return Item": a received ACH credit taken back, reason R02.
    returned = by_key["SB2322600000214"]
    assert (returned.direction, returned.takes_back_credit) == (Direction.DEBIT, True)
    assert (returned.amount, returned.return_reason) == (Money(200000, "USD"), "R02")
    assert returned.end_to_end_id == "021000080000030"
    # 257: an ACH debit of ours given back: money in, not a returned deposit.
    given_back = by_key["SB2225800001203"]
    assert (given_back.direction, given_back.reversal) == (Direction.CREDIT, True)
    assert not given_back.takes_back_credit
    assert [e.key for e in s.entries if e.takes_back_credit] == ["SB2322600000214"]


def test_truncated_file_is_bai2_invalid() -> None:
    head = (DATA / "sample2.txt").read_bytes().splitlines()[:6]
    with pytest.raises(Bai2Invalid):
        parse_bai2(b"\n".join(head))


def test_ledger_balances_010_and_015_are_read_signed_and_the_others_skipped() -> None:
    s = parse_bai2((DATA / "sample5-issue113.txt").read_bytes())
    on = date(2023, 9, 6)
    assert [(b.kind.value, b.amount, b.currency, b.on, b.account) for b in s.balances] == [
        ("opening", 159581194, "USD", on, "104108339"),
        ("closing", 159381194, "USD", on, "104108339"),
    ]  # 040/045 (available) and 060 (current available) are not booked balances


def test_an_overdrawn_opening_balance_is_negative() -> None:
    s = parse_bai2((DATA / "sample2.txt").read_bytes())
    opening = {b.account: b.amount for b in s.balances if b.kind.value == "opening"}
    assert opening["0123456789"] == 4350000  # "+4350000"
    assert opening["9876543210"] == -500000
    assert len(opening) == 5  # every account of the three groups states one
    assert all(b.on == date(2004, 6, 20) for b in s.balances)
    assert not [b for b in s.balances if b.kind.value == "closing"]
