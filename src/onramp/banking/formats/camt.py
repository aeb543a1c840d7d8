"""ISO 20022 cash-management reports: camt.052 (intraday report), camt.053 (statement) and
camt.054 (debit/credit notification), versions .001.02 to .001.08.

The versions differ in small ways this parser absorbs: the entry status is text up to .04 and a
``<Sts><Cd>`` from .05; a party's name sits in ``<Dbtr><Nm>`` up to .04 and in
``<Dbtr><Pty><Nm>`` from .05; a transaction's own amount is ``<TxDtls><Amt>`` from .03 and only
``<AmtDtls><TxAmt><Amt>`` in .02. Elements are matched by local name, so every namespace version
reads the same. Parsed with defusedxml: a bank file is input from outside.

An entry (``Ntry``) is one booking on the account; a batch booking carries several transactions
(``TxDtls``), each with its own references and counterparty. Amounts are exact decimals in the
currency the file states; the direction is the entry's credit/debit indicator as booked. Per
ISO 20022, ``RvslInd`` true says the *original* booking went the other way: a CRDT entry with it
reverses an earlier debit (e.g. a direct debit returned), so money came in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    fromstring,
)

from onramp.core.errors import InvalidInput

# The report element of each message type, and what the file is called.
_REPORTS = {
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn"),
}


class CamtInvalid(InvalidInput):
    code = "camt_invalid"
    title = "The file is not a readable ISO 20022 camt.052, camt.053 or camt.054 document"


@dataclass(frozen=True)
class CamtTransaction:
    """One transaction of an entry (a ``TxDtls``); fields the file leaves out are None."""

    amount: Decimal | None
    currency: str | None
    credit: bool | None
    end_to_end_id: str | None
    account_servicer_ref: str | None
    creditor_reference: str | None  # structured (``Strd/CdtrRefInf/Ref``), e.g. an RF reference
    unstructured: str  # ``Ustrd`` lines joined with spaces
    debtor_name: str | None
    debtor_account: str | None  # IBAN, else the other id
    creditor_name: str | None
    return_reason: str | None  # ``RtrInf/Rsn/Cd`` of a returned payment


@dataclass(frozen=True)
class CamtEntry:
    """One booking on the account (``Ntry``)."""

    entry_ref: str | None  # ``NtryRef``
    account_servicer_ref: str | None  # the bank's id for the booking
    amount: Decimal
    currency: str
    credit: bool  # as booked: True when money came in (also for a reversal of a debit)
    reversal: bool
    status: str  # BOOK, PDNG, INFO
    booking_date: date | None
    value_date: date | None
    additional_info: str | None
    transactions: tuple[CamtTransaction, ...]
    bank_tx_code: str | None = None  # ``BkTxCd``: domain/family/sub-family, else proprietary

    @property
    def key(self) -> str:
        """What identifies the booking at its bank, for de-duplication across files."""
        return self.account_servicer_ref or self.entry_ref or ""


@dataclass(frozen=True)
class CamtBalance:
    """A balance a report states (``Bal``): its type code (OPBD, CLBD, CLAV …), amount, sign
    and date, for the report's account."""

    code: str
    amount: Decimal
    currency: str
    credit: bool
    on: date
    account: str | None


@dataclass(frozen=True)
class CamtDocument:
    message: str  # camt.052, camt.053 or camt.054
    version: str  # e.g. camt.054.001.04, from the namespace when it names one
    message_id: str | None
    account: str | None  # IBAN, else the other id
    account_currency: str | None
    entries: tuple[CamtEntry, ...]
    balances: tuple[CamtBalance, ...] = ()

    @property
    def credits(self) -> tuple[CamtEntry, ...]:
        return tuple(e for e in self.entries if e.credit)

    @property
    def debits(self) -> tuple[CamtEntry, ...]:
        return tuple(e for e in self.entries if not e.credit)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el if _local(c.tag) == name)


def _find(el: Element | None, *path: str) -> Element | None:
    for name in path:
        if el is None:
            return None
        el = next(_children(el, name), None)
    return el


def _text(el: Element | None, *path: str) -> str | None:
    found = _find(el, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _decimal(el: Element | None) -> Decimal | None:
    if el is None or el.text is None:
        return None
    try:
        return Decimal(el.text.strip())
    except InvalidOperation:
        raise CamtInvalid(f"amount {el.text.strip()!r} is not a number") from None


def _date(el: Element | None) -> date | None:
    value = _text(el, "Dt") or _text(el, "DtTm")
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        raise CamtInvalid(f"date {value!r} is not ISO 8601") from None


def _account(el: Element | None) -> str | None:
    return _text(el, "Id", "IBAN") or _text(el, "Id", "Othr", "Id")


def _party_name(el: Element | None) -> str | None:
    # .05 and later wrap the party in <Pty>; earlier versions name it directly.
    return _text(el, "Pty", "Nm") or _text(el, "Nm")


def _credit(el: Element | None) -> bool | None:
    indicator = _text(el, "CdtDbtInd")
    return None if indicator is None else indicator == "CRDT"


def _transaction(tx: Element) -> CamtTransaction:
    # An Element without children is falsy: test for None, never with `or`.
    amount_el = _find(tx, "Amt")
    if amount_el is None:
        amount_el = _find(tx, "AmtDtls", "TxAmt", "Amt")
    remittance = _find(tx, "RmtInf")
    unstructured = (
        " ".join((u.text or "").strip() for u in _children(remittance, "Ustrd"))
        if remittance is not None
        else ""
    )
    structured = None
    if remittance is not None:
        for strd in _children(remittance, "Strd"):
            structured = structured or _text(strd, "CdtrRefInf", "Ref")
    parties = _find(tx, "RltdPties")
    return CamtTransaction(
        amount=_decimal(amount_el),
        currency=None if amount_el is None else amount_el.get("Ccy"),
        credit=_credit(tx),
        end_to_end_id=_text(tx, "Refs", "EndToEndId"),
        account_servicer_ref=_text(tx, "Refs", "AcctSvcrRef"),
        creditor_reference=structured,
        unstructured=unstructured.strip(),
        debtor_name=_party_name(_find(parties, "Dbtr")),
        debtor_account=_account(_find(parties, "DbtrAcct")),
        creditor_name=_party_name(_find(parties, "Cdtr")),
        return_reason=_text(tx, "RtrInf", "Rsn", "Cd"),
    )


def _bank_tx_code(ntry: Element) -> str | None:
    domain = _find(ntry, "BkTxCd", "Domn")
    codes = [_text(domain, "Cd"), _text(domain, "Fmly", "Cd"), _text(domain, "Fmly", "SubFmlyCd")]
    if all(codes):
        return "/".join(c for c in codes if c)
    return _text(ntry, "BkTxCd", "Prtry", "Cd")


def _entry(ntry: Element) -> CamtEntry:
    amount_el = _find(ntry, "Amt")
    amount = _decimal(amount_el)
    if amount is None or amount_el is None or not amount_el.get("Ccy"):
        raise CamtInvalid("an entry has no amount with a currency")
    indicated = _credit(ntry)
    if indicated is None:
        raise CamtInvalid("an entry has no credit/debit indicator")
    reversal = (_text(ntry, "RvslInd") or "false").lower() == "true"
    transactions = tuple(
        _transaction(tx)
        for details in _children(ntry, "NtryDtls")
        for tx in _children(details, "TxDtls")
    )
    return CamtEntry(
        entry_ref=_text(ntry, "NtryRef"),
        account_servicer_ref=_text(ntry, "AcctSvcrRef"),
        amount=amount,
        currency=amount_el.get("Ccy", ""),
        credit=indicated,
        reversal=reversal,
        status=_text(ntry, "Sts", "Cd") or _text(ntry, "Sts") or "",
        booking_date=_date(_find(ntry, "BookgDt")),
        value_date=_date(_find(ntry, "ValDt")),
        additional_info=_text(ntry, "AddtlNtryInf"),
        transactions=transactions,
        bank_tx_code=_bank_tx_code(ntry),
    )


def _balances(report: Element) -> Iterator[CamtBalance]:
    """The report's balances that say their type, amount and date (others are skipped)."""
    account = _account(_find(report, "Acct"))
    for bal in _children(report, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd")
        amount_el = _find(bal, "Amt")
        amount, on = _decimal(amount_el), _date(_find(bal, "Dt"))
        if code is None or amount is None or amount_el is None or on is None:
            continue
        credit = _credit(bal) is not False  # a balance with no indicator is a credit one
        yield CamtBalance(code, amount, amount_el.get("Ccy", ""), credit, on, account)


def parse_camt(data: bytes) -> CamtDocument:
    """One camt document; every report (statement, notification) in it, entries in file order."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise CamtInvalid(f"not well-formed XML: {exc}") from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    body = next(iter(root), None)
    if body is None or _local(body.tag) not in _REPORTS:
        raise CamtInvalid("no BkToCstmrAcctRpt, BkToCstmrStmt or BkToCstmrDbtCdtNtfctn")
    message, report_name = _REPORTS[_local(body.tag)]
    reports = list(_children(body, report_name))
    if not reports:
        raise CamtInvalid(f"a {message} document with no {report_name}")
    account = _find(reports[0], "Acct")
    entries = tuple(_entry(n) for report in reports for n in _children(report, "Ntry"))
    version = namespace.rsplit(":", 1)[-1] if "camt." in namespace else message
    return CamtDocument(
        message=message,
        version=version,
        message_id=_text(body, "GrpHdr", "MsgId"),
        account=_account(account),
        account_currency=_text(account, "Ccy"),
        entries=entries,
        balances=tuple(b for report in reports for b in _balances(report)),
    )
