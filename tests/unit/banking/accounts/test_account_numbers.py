from __future__ import annotations

import pytest

from onramp.banking.accounts.account_numbers import (
    aba_checksum_ok,
    normalise_account_number,
    parse_iban,
    parse_us_account,
)
from onramp.banking.errors import InvalidBankAccount


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "gb33bukb20201555555555",
        "FR14-2004-1010-0505-0001-3M02-606",
        "CH9300762011623852957",
    ],
)
def test_valid_ibans_in_any_spelling(iban: str) -> None:
    parsed = parse_iban(iban)
    assert parsed.number == normalise_account_number(iban)
    assert parsed.scheme == "iban"
    assert parsed.masked.endswith(parsed.number[-4:])


@pytest.mark.parametrize(
    "iban", ["DE89370400440532013001", "DE8937040044053201300", "ZZ89370400440532013000", ""]
)
def test_invalid_ibans(iban: str) -> None:
    with pytest.raises(InvalidBankAccount):
        parse_iban(iban)


def test_the_bic_must_be_well_formed_and_of_the_ibans_country() -> None:
    assert parse_iban("DE89370400440532013000", "COBADEFFXXX").bank_code == "COBADEFFXXX"
    with pytest.raises(InvalidBankAccount, match="for FR"):
        parse_iban("DE89370400440532013000", "BNPAFRPPXXX")
    with pytest.raises(InvalidBankAccount):
        parse_iban("DE89370400440532013000", "NOT A BIC")


@pytest.mark.parametrize("routing", ["021000021", "011000015", "121000358"])
def test_real_routing_numbers_pass_the_checksum(routing: str) -> None:
    assert aba_checksum_ok(routing)


@pytest.mark.parametrize(
    "routing", ["021000022", "02100002", "0210000211", "02100002a", "٠٢١٠٠٠٠٢١"]
)
def test_bad_routing_numbers(routing: str) -> None:
    assert not aba_checksum_ok(routing)


def test_us_accounts() -> None:
    parsed = parse_us_account("021000021", "0001234567")
    assert (parsed.scheme, parsed.country, parsed.masked) == ("us_aba", "US", "•••• 4567")
    with pytest.raises(InvalidBankAccount, match="4 to 17 digits"):
        parse_us_account("021000021", "12AB")
