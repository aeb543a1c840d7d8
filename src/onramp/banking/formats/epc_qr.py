"""The EPC QR code of a SEPA credit transfer (EPC069-12 v2, "GiroCode"): what a banking app
reads to prefill the transfer that pays an order's deposit.

The payload is up to twelve elements, one a line (LF), in this order, nothing after the last
element given: ``BCD`` (service tag), ``002`` (version), ``1`` (UTF-8), ``SCT`` (SEPA credit
transfer), the beneficiary's BIC (8 or 11 characters; may be empty in version 002), the
beneficiary's name (up to 70 characters), their IBAN, the amount as ``EUR`` and the euros with a
decimal point (0.01 to 999999999.99), a purpose code (up to 4 letters or digits), then either a
structured creditor reference (ISO 11649 ``RF``, electronic format, up to 35 characters) or a
remittance text (up to 140), never both, and a note for the payer (up to 70). The whole payload
is at most 331 bytes; the code is drawn with error correction level M, in a QR version of at
most 13."""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno

from onramp.banking.accounts.treasury import TreasuryAccount
from onramp.banking.references.creditor_reference import (
    InvalidCreditorReference,
    normalize_creditor_reference,
)
from onramp.core.errors import InvalidInput
from onramp.core.money import Money

MAX_PAYLOAD_BYTES = 331
MAX_QR_VERSION = 13
MIN_AMOUNT = Money(1, "EUR")
MAX_AMOUNT = Money(99_999_999_999, "EUR")  # 999,999,999.99
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}")
_PURPOSE = re.compile(r"[A-Z0-9]{1,4}")
_LIMITS = {"name": 70, "reference": 35, "text": 140, "information": 70}


class EpcPayloadInvalid(InvalidInput):
    code = "epc_payload_invalid"
    title = "The transfer cannot be put in an EPC QR code"


@dataclass(frozen=True)
class EpcCreditTransfer:
    """A SEPA credit transfer to prefill: to ``name``'s ``iban`` (at ``bic``), ``amount`` in
    EUR, with a structured ``reference`` (RF) or a remittance ``text``."""

    name: str
    iban: str
    amount: Money
    bic: str | None = None
    purpose: str | None = None
    reference: str | None = None
    text: str | None = None
    information: str | None = None


def epc_payload(transfer: EpcCreditTransfer) -> str:
    """The EPC069-12 payload of ``transfer``; :class:`EpcPayloadInvalid` says what does not fit."""
    elements = [
        "BCD",
        "002",
        "1",
        "SCT",
        _bic(transfer.bic),
        _text("name", transfer.name, required=True),
        _iban(transfer.iban),
        _amount(transfer.amount),
        _purpose(transfer.purpose),
        *_remittance(transfer.reference, transfer.text),
        _text("information", transfer.information),
    ]
    while elements[-1] == "":  # nothing after the last element given
        elements.pop()
    payload = "\n".join(elements)
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise EpcPayloadInvalid(f"the payload is over {MAX_PAYLOAD_BYTES} bytes")
    return payload


def deposit_epc_payload(account: TreasuryAccount, *, reference: str, amount: Money) -> str | None:
    """The payload that pays a deposit of ``amount`` with ``reference`` into ``account``; ``None``
    where a SEPA credit transfer cannot (an account without an IBAN, another currency)."""
    if account.iban is None or amount.currency != "EUR":
        return None
    transfer = EpcCreditTransfer(
        name=account.account_name,
        iban=account.iban,
        bic=account.bic,
        amount=amount,
        reference=reference,
    )
    return epc_payload(transfer)


def epc_qr_svg_data_uri(payload: str) -> str:
    """The QR code of ``payload`` as an SVG ``data:`` URI, drawn as the guidelines ask (error
    correction M, version 13 at most), on the server: no image service sees the payment."""
    code = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8")
    if code.version > MAX_QR_VERSION:  # type: ignore[operator]
        raise EpcPayloadInvalid(f"the code needs a QR version above {MAX_QR_VERSION}")
    return str(code.svg_data_uri(scale=4, border=4))


def _bic(bic: str | None) -> str:
    if not bic:
        return ""
    if _BIC.fullmatch(bic) is None:
        raise EpcPayloadInvalid("the BIC must be 8 or 11 letters or digits")
    return bic


def _iban(iban: str) -> str:
    compact = iban.replace(" ", "").upper()
    if _IBAN.fullmatch(compact) is None:
        raise EpcPayloadInvalid("the IBAN must be a country code, check digits and the account")
    return compact


def _amount(amount: Money) -> str:
    if amount.currency != "EUR":
        raise EpcPayloadInvalid("a SEPA credit transfer is in EUR")
    if not MIN_AMOUNT.minor <= amount.minor <= MAX_AMOUNT.minor:
        raise EpcPayloadInvalid("the amount must be from 0.01 to 999999999.99 EUR")
    return f"EUR{amount}"


def _purpose(purpose: str | None) -> str:
    if purpose and _PURPOSE.fullmatch(purpose) is None:
        raise EpcPayloadInvalid("the purpose code must be 1 to 4 letters or digits")
    return purpose or ""


def _remittance(reference: str | None, text: str | None) -> tuple[str, str]:
    if reference and text:
        raise EpcPayloadInvalid("a structured reference or a remittance text, not both")
    if reference:
        try:
            return normalize_creditor_reference(reference), ""
        except InvalidCreditorReference as exc:
            raise EpcPayloadInvalid(f"the reference: {exc.detail}") from None
    return "", _text("text", text)


def _text(field: str, value: str | None, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise EpcPayloadInvalid(f"the {field} is required")
    if "\n" in value or "\r" in value:
        raise EpcPayloadInvalid(f"the {field} must be one line")
    if len(value) > _LIMITS[field]:
        raise EpcPayloadInvalid(f"the {field} must be at most {_LIMITS[field]} characters")
    return value
