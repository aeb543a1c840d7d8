"""The refunds' pain.001: schema-valid (checked here against the XSD sepaxml bundles, not by
trusting its own check), one transaction per refund with the right amount, EndToEndId, IBANs
and remittance, and totals that add up."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]

from onramp.banking.formats.pain001 import (
    CreditTransfer,
    Debtor,
    Pain001Invalid,
    Pain001Schema,
    build_pain001,
    end_to_end_id,
)
from onramp.core.money import Money

DEBTOR = Debtor("onramp Treasury", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX")
DAY = date(2026, 12, 2)


def xsd(schema: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(Path(sepaxml.__file__).parent / "schemas" / f"{schema}.xsd")


def transfer(
    amount: str, name: str = "Ada Lovelace", iban: str = "GB33BUKB20201555555555"
) -> tuple[uuid.UUID, CreditTransfer]:
    refund_id = uuid.uuid4()
    return refund_id, CreditTransfer(
        end_to_end_id=end_to_end_id(refund_id),
        amount=Money.parse(amount, "EUR"),
        creditor_name=name,
        creditor_iban=iban,
        remittance="RETURN ORDER_REJECTED REF RF18539007547034",
    )


@pytest.mark.parametrize("schema", ["pain.001.001.03", "pain.001.001.09"])
def test_a_batch_of_refunds_is_schema_valid_and_says_what_it_pays(schema: Pain001Schema) -> None:
    (id1, t1), (id2, t2), (id3, t3) = (
        transfer("1000.00"),
        transfer("0.01", "Jürgen Müller-Lüdenscheidt", "DE44 5001 0517 5407 3249 31"),
        transfer("123.45", "Zoë O'Brien", "FR1420041010050500013M02606"),
    )
    built = build_pain001([t1, t2, t3], debtor=DEBTOR, execution_date=DAY, schema=schema)

    xsd(schema).validate(built.xml.decode())  # raises on any violation
    assert (built.count, built.total, built.schema) == (3, Money.parse("1123.46", "EUR"), schema)
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{schema}"}
    root = fromstring(built.xml)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header.find("p:MsgId", ns).text == built.message_id
    assert len(built.message_id) <= 35
    assert header.find("p:NbOfTxs", ns).text == "3"
    assert Decimal(header.find("p:CtrlSum", ns).text) == Decimal("1123.46")
    (info,) = root.findall(".//p:PmtInf", ns)
    assert info.find("p:DbtrAcct/p:Id/p:IBAN", ns).text == "DE89370400440532013000"
    assert info.find("p:PmtTpInf/p:SvcLvl/p:Cd", ns).text == "SEPA"
    txs = {tx.find("p:PmtId/p:EndToEndId", ns).text: tx for tx in info.findall("p:CdtTrfTxInf", ns)}
    assert set(txs) == {id1.hex, id2.hex, id3.hex}
    assert all(len(e2e) <= 35 for e2e in txs)
    second = txs[id2.hex]
    amount = second.find("p:Amt/p:InstdAmt", ns)
    assert (amount.text, amount.get("Ccy")) == ("0.01", "EUR")
    assert second.find("p:CdtrAcct/p:Id/p:IBAN", ns).text == "DE44500105175407324931"
    # Transliterated into the SEPA character set, which a bank would otherwise refuse.
    assert second.find("p:Cdtr/p:Nm", ns).text == "Jurgen Muller-Ludenscheidt"
    assert second.find("p:RmtInf/p:Ustrd", ns).text == t2.remittance
    assert txs[id1.hex].find("p:Amt/p:InstdAmt", ns).text == "1000.00"


def test_the_end_to_end_id_is_the_refund_id_in_35_characters() -> None:
    refund_id = uuid.UUID("0190c6f1-2a3b-7c4d-8e5f-6a7b8c9d0e1f")
    assert end_to_end_id(refund_id) == "0190c6f12a3b7c4d8e5f6a7b8c9d0e1f"
    assert uuid.UUID(hex=end_to_end_id(refund_id)) == refund_id


def test_sepa_pays_only_euros_and_only_something() -> None:
    _, ok = transfer("1.00")
    dollars = CreditTransfer("x", Money.parse("1.00", "USD"), "A", "GB33BUKB20201555555555", "t")
    with pytest.raises(Pain001Invalid):
        build_pain001([ok, dollars], debtor=DEBTOR, execution_date=DAY)
    with pytest.raises(Pain001Invalid):
        build_pain001([], debtor=DEBTOR, execution_date=DAY)


def test_a_file_the_schema_refuses_is_never_returned() -> None:
    _, bad = transfer("1.00", iban="NOT AN IBAN")
    with pytest.raises(Pain001Invalid, match="schema"):
        build_pain001([bad], debtor=DEBTOR, execution_date=DAY)
