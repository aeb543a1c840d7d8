"""What a bank file said, kept line by line (``bank_statement_lines``): every booked entry once
per (bank, booking key), whichever file reported it first; and the booked balances it stated
(``bank_statement_balances``). Reconciliation holds the deposits, reversals, their postings and
the ledger's bank accounts against these rows."""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.formats import Statement
from onramp.banking.statement_models import BankStatementBalance, BankStatementLine
from onramp.core.ids import uuid7


async def store_lines(
    session: AsyncSession, *, bank: str, file_id: uuid.UUID, statement: Statement
) -> None:
    """One round trip for the file's booked entries; a line another file reported is kept."""
    rows = [
        {
            "id": uuid7(),
            "bank": bank,
            "entry_key": e.key,
            "account": (e.account or statement.account or "")[:50] or None,
            "booking_date": e.booking_date,
            "direction": e.direction.value,
            "reversal": e.takes_back_credit or e.reversal,
            "amount": e.amount.minor,
            "currency": e.amount.currency,
            "end_to_end_id": e.end_to_end_id,
            "bank_tx_code": (e.bank_tx_code or "")[:40] or None,
            "first_file_id": file_id,
        }
        for e in statement.entries
        if e.booked
    ]
    if rows:
        await session.execute(
            insert(BankStatementLine)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["bank", "entry_key"])
        )
    await _store_balances(session, bank=bank, file_id=file_id, statement=statement)


async def _store_balances(
    session: AsyncSession, *, bank: str, file_id: uuid.UUID, statement: Statement
) -> None:
    """The file's booked balances; one it states again (a re-issued statement) replaces the
    earlier file's."""
    unique = {
        ((b.account or statement.account or "")[:50], b.currency, b.on, b.kind.value): b.amount
        for b in statement.balances
    }
    if not unique:
        return
    rows = [
        {"id": uuid7(), "bank": bank, "account": account, "currency": currency,
         "balance_date": on, "kind": kind, "amount": amount, "file_id": file_id}
        for (account, currency, on, kind), amount in unique.items()
    ]  # fmt: skip
    stmt = insert(BankStatementBalance).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            constraint="uq_bank_statement_balances_key",
            set_={"amount": stmt.excluded.amount, "file_id": stmt.excluded.file_id},
        )
    )
