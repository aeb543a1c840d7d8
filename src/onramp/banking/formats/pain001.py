"""SEPA credit transfer initiation (ISO 20022 pain.001) for outgoing refunds, built with
``sepaxml`` and validated against the XSD it bundles (via ``xmlschema``) before it is returned:
a file that is not schema-valid is never handed to a bank.

One file is one batch (one PmtInf per execution date) from the operator's treasury account;
each refund is one CdtTrfTxInf whose EndToEndId is the refund id (32 hex digits: the field
allows 35 characters, a UUID's text form has 36), so the bank's statement names the refund.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sepaxml import SepaTransfer

from onramp.core.errors import InvalidInput
from onramp.core.money import Money

Pain001Schema = Literal["pain.001.001.03", "pain.001.001.09"]
SEPA_CURRENCY = "EUR"


class Pain001Invalid(InvalidInput):
    code = "pain001_invalid"
    title = "The payments cannot be expressed as a SEPA pain.001 credit transfer file"


@dataclass(frozen=True)
class Debtor:
    """The operator's treasury account the payments leave from."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class CreditTransfer:
    end_to_end_id: str
    amount: Money
    creditor_name: str
    creditor_iban: str
    remittance: str


@dataclass(frozen=True)
class Pain001File:
    message_id: str
    schema: Pain001Schema
    xml: bytes
    count: int
    total: Money


def end_to_end_id(refund_id: uuid.UUID) -> str:
    return refund_id.hex


def build_pain001(
    transfers: Sequence[CreditTransfer],
    *,
    debtor: Debtor,
    execution_date: date,
    schema: Pain001Schema = "pain.001.001.03",
) -> Pain001File:
    """The pain.001 for ``transfers`` (EUR only: SEPA). Raises ``Pain001Invalid`` on anything
    a bank would refuse, including a result the schema does not accept."""
    if not transfers:
        raise Pain001Invalid("no payments to put in the file")
    for t in transfers:
        if t.amount.currency != SEPA_CURRENCY or not t.amount.is_positive():
            raise Pain001Invalid(f"{t.end_to_end_id}: SEPA pays positive EUR amounts")
    sepa = SepaTransfer(
        {
            "name": debtor.name,
            "IBAN": _compact(debtor.iban),
            "BIC": debtor.bic,
            "batch": True,
            "currency": SEPA_CURRENCY,
        },
        schema=schema,
        clean=True,  # transliterates names and texts into the SEPA character set
    )
    for t in transfers:
        sepa.add_payment(
            {
                "name": t.creditor_name,
                "IBAN": _compact(t.creditor_iban),
                "amount": t.amount.minor,
                "execution_date": execution_date,
                "description": t.remittance,
                "endtoend_id": t.end_to_end_id,
            }
        )
    try:
        xml: bytes = sepa.export(validate=True)
    except Exception as exc:  # sepaxml raises bare Exception and its own ValidationError
        raise Pain001Invalid(f"not schema-valid: {exc}") from exc
    total = Money(sum(t.amount.minor for t in transfers), SEPA_CURRENCY)
    return Pain001File(
        message_id=str(sepa.msg_id), schema=schema, xml=xml, count=len(transfers), total=total
    )


def _compact(iban: str) -> str:
    return iban.replace(" ", "").upper()
