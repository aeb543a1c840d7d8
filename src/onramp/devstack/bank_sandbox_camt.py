"""ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit/credit notification) writer,
version .001.08, for what the bank sandbox booked.

Each booking is one entry (``Ntry``) with one transaction (``TxDtls``); the bank's booking id is
both the entry's and the transaction's ``AcctSvcrRef``, the same id the sandbox's webhook sends
as ``entry_id``, so a deposit reported both ways is one deposit. A return is a debit entry with
``RvslInd`` true and the original's end-to-end id and return reason (``RtrInf``). A statement
carries its opening (OPBD) and closing (CLBD) booked balances, the closing one being the opening
plus its credits less its debits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - writing only

from onramp.core.money import currency as lookup_currency

NAMESPACES = {
    "camt.053": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
    "camt.054": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
}
_RF = re.compile(r"^RF[0-9]{2}[A-Z0-9]{1,21}$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$")


@dataclass(frozen=True)
class CamtBooking:
    entry_id: str
    amount: Decimal
    currency: str
    credit: bool
    booked_at: datetime
    end_to_end_id: str
    reference: str  # remittance as the payer wrote it
    party_name: str  # the debtor of a credit, the creditor of a debit
    party_iban: str
    reversal: bool = False
    return_reason: str | None = None
    bank_tx_code: str | None = None  # domain/family/sub-family; by default a transfer's


def _text(parent: Element, tag: str, value: str, **attrs: str) -> Element:
    el = SubElement(parent, tag, attrs)
    el.text = value
    return el


def _amount(parent: Element, value: Decimal, currency: str) -> None:
    _text(parent, "Amt", f"{value:.{lookup_currency(currency).exponent}f}", Ccy=currency)


def _balance(parent: Element, code: str, value: Decimal, currency: str, on: date) -> None:
    bal = SubElement(parent, "Bal")
    _text(SubElement(SubElement(bal, "Tp"), "CdOrPrtry"), "Cd", code)
    _amount(bal, abs(value), currency)
    _text(bal, "CdtDbtInd", "CRDT" if value >= 0 else "DBIT")
    _text(SubElement(bal, "Dt"), "Dt", on.isoformat())


def _party(parent: Element, role: str, name: str, account: str) -> None:
    _text(SubElement(SubElement(parent, role), "Pty"), "Nm", name)
    ids = SubElement(SubElement(parent, f"{role}Acct"), "Id")
    if _IBAN.match(account):
        _text(ids, "IBAN", account)
    else:  # a US "<routing number>/<account number>"
        _text(SubElement(ids, "Othr"), "Id", account)


def _entry(report: Element, b: CamtBooking) -> None:
    ntry = SubElement(report, "Ntry")
    _text(ntry, "NtryRef", b.entry_id)
    _amount(ntry, b.amount, b.currency)
    _text(ntry, "CdtDbtInd", "CRDT" if b.credit else "DBIT")
    if b.reversal:
        _text(ntry, "RvslInd", "true")
    _text(SubElement(ntry, "Sts"), "Cd", "BOOK")
    _text(SubElement(ntry, "BookgDt"), "DtTm", b.booked_at.isoformat())
    _text(SubElement(ntry, "ValDt"), "Dt", b.booked_at.date().isoformat())
    _text(ntry, "AcctSvcrRef", b.entry_id)
    transfer = f"PMNT/{'RCDT' if b.credit else 'ICDT'}/{'RRTN' if b.return_reason else 'ESCT'}"
    domain_code, family_code, sub_family = (b.bank_tx_code or transfer).split("/")
    family = SubElement(SubElement(ntry, "BkTxCd"), "Domn")
    _text(family, "Cd", domain_code)
    fmly = SubElement(family, "Fmly")
    _text(fmly, "Cd", family_code)
    _text(fmly, "SubFmlyCd", sub_family)
    tx = SubElement(SubElement(ntry, "NtryDtls"), "TxDtls")
    refs = SubElement(tx, "Refs")
    _text(refs, "AcctSvcrRef", b.entry_id)
    _text(refs, "EndToEndId", b.end_to_end_id)
    _amount(tx, b.amount, b.currency)
    _text(tx, "CdtDbtInd", "CRDT" if b.credit else "DBIT")
    _party(SubElement(tx, "RltdPties"), "Dbtr" if b.credit else "Cdtr", b.party_name, b.party_iban)
    remittance = SubElement(tx, "RmtInf")
    _text(remittance, "Ustrd", b.reference)
    compact = b.reference.replace(" ", "").upper()
    if _RF.match(compact):
        ref = SubElement(SubElement(remittance, "Strd"), "CdtrRefInf")
        _text(SubElement(SubElement(ref, "Tp"), "CdOrPrtry"), "Cd", "SCOR")
        _text(ref, "Ref", compact)
    if b.return_reason:
        _text(SubElement(SubElement(tx, "RtrInf"), "Rsn"), "Cd", b.return_reason)


def write_camt(
    message: str,
    *,
    message_id: str,
    created_at: datetime,
    account_iban: str,
    currency: str,
    bookings: Sequence[CamtBooking],
    opening: Decimal | None = None,
    on: date | None = None,
) -> bytes:
    """A camt.053 (``opening`` balance and statement date ``on`` required) or camt.054."""
    root = Element("Document", {"xmlns": NAMESPACES[message]})
    body = SubElement(root, "BkToCstmrStmt" if message == "camt.053" else "BkToCstmrDbtCdtNtfctn")
    header = SubElement(body, "GrpHdr")
    _text(header, "MsgId", message_id)
    _text(header, "CreDtTm", created_at.isoformat())
    report = SubElement(body, "Stmt" if message == "camt.053" else "Ntfctn")
    _text(report, "Id", message_id)
    _text(report, "CreDtTm", created_at.isoformat())
    account = SubElement(report, "Acct")
    _text(SubElement(account, "Id"), "IBAN", account_iban)
    _text(account, "Ccy", currency)
    if message == "camt.053":
        if opening is None or on is None:
            raise ValueError("a statement needs its opening balance and date")
        moved = sum((b.amount if b.credit else -b.amount for b in bookings), Decimal(0))
        _balance(report, "OPBD", opening, currency, on)
        _balance(report, "CLBD", opening + moved, currency, on)
    for booking in bookings:
        _entry(report, booking)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(tostring(root, encoding="utf-8"))
