"""The EPC069-12 payload of a SEPA credit transfer: its elements in the guidelines' order, the
amount as EUR with a decimal point, every length limit, and nothing after the last element."""

from __future__ import annotations

import urllib.parse

import pytest

from onramp.banking import (
    EpcCreditTransfer,
    EpcPayloadInvalid,
    TreasuryAccount,
    deposit_epc_payload,
    epc_payload,
    epc_qr_svg_data_uri,
)
from onramp.core.money import Money

IBAN = "DE89370400440532013000"
REFERENCE = "RF18539007547034"


def transfer(**changes: object) -> EpcCreditTransfer:
    fields: dict[str, object] = {
        "name": "onramp Treasury",
        "iban": IBAN,
        "amount": Money.parse("1000.00", "EUR"),
        "bic": "COBADEFFXXX",
        "reference": REFERENCE,
    }
    return EpcCreditTransfer(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_elements_come_in_the_guidelines_order() -> None:
    payload = epc_payload(transfer(purpose="GDDS", information="Order 42: pay exactly this amount"))
    assert payload.split("\n") == [
        "BCD",  # service tag
        "002",  # version
        "1",  # UTF-8
        "SCT",  # SEPA credit transfer
        "COBADEFFXXX",  # the beneficiary's BIC
        "onramp Treasury",  # their name
        IBAN,  # their IBAN
        "EUR1000.00",  # the amount
        "GDDS",  # the purpose
        REFERENCE,  # the structured reference
        "",  # no remittance text beside it
        "Order 42: pay exactly this amount",  # the note for the payer
    ]


def test_nothing_follows_the_last_element_given_and_empty_ones_keep_their_place() -> None:
    payload = epc_payload(transfer(bic=None))
    assert payload == f"BCD\n002\n1\nSCT\n\nonramp Treasury\n{IBAN}\nEUR1000.00\n\n{REFERENCE}"
    assert not payload.endswith("\n")


def test_a_remittance_text_takes_the_line_after_the_reference() -> None:
    lines = epc_payload(transfer(reference=None, text="Invoice 7")).split("\n")
    assert lines[9:] == ["", "Invoice 7"]


def test_the_reference_and_the_iban_are_sent_in_their_electronic_format() -> None:
    spaced = transfer(iban="de89 3704 0044 0532 0130 00", reference="rf18 5390 0754 7034")
    lines = epc_payload(spaced).split("\n")
    assert lines[6] == IBAN
    assert lines[9] == REFERENCE


@pytest.mark.parametrize(
    ("amount", "written"),
    [("0.01", "EUR0.01"), ("12.3", "EUR12.30"), ("999999999.99", "EUR999999999.99")],
)
def test_the_amount_is_eur_with_two_decimals(amount: str, written: str) -> None:
    assert epc_payload(transfer(amount=Money.parse(amount, "EUR"))).split("\n")[7] == written


@pytest.mark.parametrize("amount", ["0.00", "1000000000.00"])
def test_an_amount_out_of_range_is_refused(amount: str) -> None:
    with pytest.raises(EpcPayloadInvalid, match="0.01 to 999999999.99"):
        epc_payload(transfer(amount=Money.parse(amount, "EUR")))


def test_only_euros_go_in_a_sepa_credit_transfer() -> None:
    with pytest.raises(EpcPayloadInvalid, match="EUR"):
        epc_payload(transfer(amount=Money.parse("10.00", "GBP")))


@pytest.mark.parametrize(("field", "limit"), [("name", 70), ("text", 140), ("information", 70)])
def test_each_text_has_its_length_limit(field: str, limit: int) -> None:
    changes: dict[str, object] = {field: "x" * limit}
    if field == "text":
        changes["reference"] = None
    epc_payload(transfer(**changes))  # at the limit: fine
    changes[field] = "x" * (limit + 1)
    with pytest.raises(EpcPayloadInvalid, match=f"at most {limit} characters"):
        epc_payload(transfer(**changes))


def test_the_name_is_required_and_no_element_spans_two_lines() -> None:
    with pytest.raises(EpcPayloadInvalid, match="name is required"):
        epc_payload(transfer(name="  "))
    with pytest.raises(EpcPayloadInvalid, match="one line"):
        epc_payload(transfer(name="onramp\nBCD"))


@pytest.mark.parametrize(
    "changes",
    [
        {"bic": "COBADE"},  # 6 characters
        {"bic": "COBADEFFX"},  # 9
        {"iban": "89370400440532013000"},  # no country
        {"purpose": "GOODS"},  # 5
        {"reference": "RF19539007547034"},  # wrong check digits
        {"text": "and a text"},  # beside a reference
    ],
)
def test_what_does_not_fit_the_guidelines_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(EpcPayloadInvalid):
        epc_payload(transfer(**changes))


def test_the_payload_stays_within_331_bytes() -> None:
    long = transfer(name="n" * 70, reference=None, text="t" * 140, information="i" * 70)
    with pytest.raises(EpcPayloadInvalid, match="331 bytes"):
        epc_payload(long)


def test_a_deposit_into_an_iban_account_in_euros_has_a_payload_others_none() -> None:
    account = TreasuryAccount("iban", "onramp Treasury", IBAN, "COBADEFFXXX", None, None)
    euros = Money.parse("250.00", "EUR")
    payload = deposit_epc_payload(account, reference="RF18 5390 0754 7034", amount=euros)
    assert payload == epc_payload(transfer(amount=euros))
    assert deposit_epc_payload(account, reference=REFERENCE, amount=Money.parse("1", "GBP")) is None
    us = TreasuryAccount("us_aba", "onramp Treasury", None, None, "021000021", "123456789")
    assert deposit_epc_payload(us, reference=REFERENCE, amount=euros) is None


def test_the_qr_code_is_an_svg_data_uri() -> None:
    uri = epc_qr_svg_data_uri(epc_payload(transfer()))
    assert uri.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
