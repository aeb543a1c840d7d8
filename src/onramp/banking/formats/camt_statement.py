"""camt documents in the common statement shape: one statement entry per booking, or per
transaction of a batch booking."""

from __future__ import annotations

from dataclasses import replace

from onramp.banking.formats.camt import CamtBalance, CamtDocument, CamtEntry, CamtTransaction
from onramp.banking.formats.statement import (
    BalanceKind,
    Direction,
    Statement,
    StatementBalance,
    StatementEntry,
    StatementFormat,
    balance_of,
    derived_key,
    money_of,
    with_unique_keys,
)


def _splittable(entry: CamtEntry) -> bool:
    """A batch booking is split when every transaction states its own amount in the booked
    currency and they add up to the booking; otherwise it stays one entry (never a guess)."""
    txs = entry.transactions
    if len(txs) < 2:
        return False
    if any(t.amount is None or (t.currency or entry.currency) != entry.currency for t in txs):
        return False
    return sum(t.amount for t in txs if t.amount is not None) == entry.amount


def _key(entry: CamtEntry, tx: CamtTransaction | None, index: int | None) -> str:
    if tx is not None and tx.account_servicer_ref:
        return tx.account_servicer_ref
    if entry.key:
        return entry.key if index is None else f"{entry.key}:{index}"
    return derived_key(
        "camt", entry.booking_date, entry.amount, entry.currency, entry.credit, index,
        tx.end_to_end_id if tx else None, entry.additional_info,
    )  # fmt: skip


def _item(entry: CamtEntry, tx: CamtTransaction | None, index: int | None) -> StatementEntry:
    split = index is not None and tx is not None and tx.amount is not None
    amount = tx.amount if split and tx is not None and tx.amount is not None else entry.amount
    incoming = entry.credit
    remittance = (tx.unstructured if tx else "") or entry.additional_info or ""
    if tx is None:
        name = account = None
    elif incoming:
        name, account = tx.debtor_name, tx.debtor_account
    else:
        name, account = tx.creditor_name, None
    return StatementEntry(
        key=_key(entry, tx, index),
        amount=money_of(amount, entry.currency),
        direction=Direction.CREDIT if incoming else Direction.DEBIT,
        reversal=entry.reversal,
        booked=entry.status == "BOOK",
        booking_date=entry.booking_date or entry.value_date,
        end_to_end_id=_real_id(tx.end_to_end_id) if tx else None,
        remittance=remittance,
        creditor_reference=tx.creditor_reference if tx else None,
        counterparty_name=name,
        counterparty_account=account,
        return_reason=tx.return_reason if tx else None,
        bank_tx_code=entry.bank_tx_code,
    )


def _real_id(value: str | None) -> str | None:
    # "NOTPROVIDED" is what SEPA puts where the payer gave no id: it identifies nothing.
    return None if value is None or value.upper() == "NOTPROVIDED" else value


# The booked balances reconciliation holds the books against; the others (available, forward,
# previously closed) are the bank's views of the same money.
_BOOKED = {"OPBD": BalanceKind.OPENING, "CLBD": BalanceKind.CLOSING}


def _balance(b: CamtBalance) -> StatementBalance:
    return balance_of(_BOOKED[b.code], b.amount, b.currency, credit=b.credit, on=b.on,
                      account=b.account)  # fmt: skip


def camt_statement(doc: CamtDocument) -> Statement:
    items: list[StatementEntry] = []
    for entry in doc.entries:
        if _splittable(entry):
            items.extend(_item(entry, tx, i) for i, tx in enumerate(entry.transactions, 1))
        else:
            single = entry.transactions[0] if len(entry.transactions) == 1 else None
            items.append(_item(entry, single, None))
    items = [replace(i, account=doc.account) for i in items]
    return Statement(
        format=StatementFormat(doc.message),
        message_id=doc.message_id,
        account=doc.account,
        entries=with_unique_keys(items),
        balances=tuple(_balance(b) for b in doc.balances if b.code in _BOOKED),
    )
