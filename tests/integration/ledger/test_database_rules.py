"""The database refuses what the ledger service refuses, whoever writes the SQL.

Every test works in its own transaction that ends rolled back, so nothing here stays behind.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from onramp.core.ids import uuid7

pytestmark = pytest.mark.integration

CHECK_VIOLATION = "23514"
FOREIGN_KEY_VIOLATION = "23503"
RESTRICT_VIOLATION = "23001"


@asynccontextmanager
async def rolled_back(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


async def new_account(conn: AsyncConnection, currency: str = "EUR") -> uuid.UUID:
    account_id = uuid7()
    await conn.execute(
        text(
            "INSERT INTO ledger_accounts (id, code, kind, currency) "
            "VALUES (:id, :code, 'liability', :currency)"
        ),
        {"id": account_id, "code": f"customer:{account_id}:{currency}", "currency": currency},
    )
    return account_id


async def new_entry(conn: AsyncConnection) -> uuid.UUID:
    entry_id = uuid7()
    await conn.execute(
        text("INSERT INTO journal_entries (id, kind, reference) VALUES (:id, 'test_raw', :ref)"),
        {"id": entry_id, "ref": entry_id.hex},
    )
    return entry_id


async def insert_postings(
    conn: AsyncConnection, entry_id: uuid.UUID, legs: list[tuple[uuid.UUID, str, int]]
) -> None:
    """All legs in one INSERT statement, as the service writes them."""
    values = ", ".join(f"(:e, :a{i}, :c{i}, :m{i})" for i in range(len(legs)))
    params: dict[str, object] = {"e": entry_id}
    for i, (account_id, currency, amount) in enumerate(legs):
        params |= {f"a{i}": account_id, f"c{i}": currency, f"m{i}": amount}
    await conn.execute(
        text(f"INSERT INTO postings (entry_id, account_id, currency, amount) VALUES {values}"),  # noqa: S608
        params,
    )


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def constraint(error: DBAPIError) -> str | None:
    return getattr(error.orig.__cause__, "constraint_name", None)


async def test_a_balanced_raw_insert_is_accepted(engine: AsyncEngine) -> None:
    """The control for the refusals below: the same SQL, balanced, goes through."""
    async with rolled_back(engine) as conn:
        a, b = await new_account(conn), await new_account(conn)
        entry_id = await new_entry(conn)
        await insert_postings(conn, entry_id, [(a, "EUR", 100), (b, "EUR", -100)])
        count = await conn.scalar(
            text("SELECT COUNT(*) FROM postings WHERE entry_id = :e"), {"e": entry_id}
        )
        assert count == 2


@pytest.mark.parametrize(
    "amounts",
    [
        pytest.param([100], id="single-leg"),
        pytest.param([100, -99], id="off-by-one"),
        pytest.param([100, 100], id="two-debits"),
    ],
)
async def test_unbalanced_postings_are_refused(engine: AsyncEngine, amounts: list[int]) -> None:
    async with rolled_back(engine) as conn:
        accounts = [await new_account(conn) for _ in amounts]
        entry_id = await new_entry(conn)
        with pytest.raises(DBAPIError, match="does not balance") as refused:
            await insert_postings(
                conn, entry_id, [(a, "EUR", m) for a, m in zip(accounts, amounts, strict=True)]
            )
        assert sqlstate(refused.value) == CHECK_VIOLATION


async def test_balanced_legs_written_in_separate_statements_are_refused(
    engine: AsyncEngine,
) -> None:
    """The check runs per statement: an entry's first half alone is unbalanced."""
    async with rolled_back(engine) as conn:
        a = await new_account(conn)
        entry_id = await new_entry(conn)
        with pytest.raises(DBAPIError, match="does not balance") as refused:
            await insert_postings(conn, entry_id, [(a, "EUR", 100)])
        assert sqlstate(refused.value) == CHECK_VIOLATION


async def test_an_entry_balanced_in_one_currency_but_not_another_is_refused(
    engine: AsyncEngine,
) -> None:
    async with rolled_back(engine) as conn:
        eur_a, eur_b = await new_account(conn), await new_account(conn)
        usd_a = await new_account(conn, "USD")
        entry_id = await new_entry(conn)
        with pytest.raises(DBAPIError, match="does not balance in USD") as refused:
            await insert_postings(
                conn, entry_id, [(eur_a, "EUR", 100), (eur_b, "EUR", -100), (usd_a, "USD", 5)]
            )
        assert sqlstate(refused.value) == CHECK_VIOLATION


async def test_posting_in_another_currency_than_its_account_is_refused(
    engine: AsyncEngine,
) -> None:
    async with rolled_back(engine) as conn:
        eur_account, usd_account = await new_account(conn), await new_account(conn, "USD")
        entry_id = await new_entry(conn)
        # Balanced in USD, so only the account/currency foreign key can object.
        with pytest.raises(DBAPIError) as refused:
            await insert_postings(
                conn, entry_id, [(eur_account, "USD", 100), (usd_account, "USD", -100)]
            )
        assert sqlstate(refused.value) == FOREIGN_KEY_VIOLATION
        assert constraint(refused.value) == "fk_postings_account_currency"


async def test_zero_amount_posting_is_refused(engine: AsyncEngine) -> None:
    async with rolled_back(engine) as conn:
        a, b, c = [await new_account(conn) for _ in range(3)]
        entry_id = await new_entry(conn)
        with pytest.raises(DBAPIError) as refused:
            await insert_postings(
                conn, entry_id, [(a, "EUR", 100), (b, "EUR", -100), (c, "EUR", 0)]
            )
        assert sqlstate(refused.value) == CHECK_VIOLATION
        assert constraint(refused.value) == "ck_postings_amount_nonzero"


async def test_currency_of_an_account_with_postings_cannot_change(engine: AsyncEngine) -> None:
    async with rolled_back(engine) as conn:
        a, b = await new_account(conn), await new_account(conn)
        await insert_postings(conn, await new_entry(conn), [(a, "EUR", 100), (b, "EUR", -100)])
        with pytest.raises(DBAPIError) as refused:
            await conn.execute(
                text("UPDATE ledger_accounts SET currency = 'USD' WHERE id = :id"), {"id": a}
            )
        assert sqlstate(refused.value) == FOREIGN_KEY_VIOLATION
        assert constraint(refused.value) == "fk_postings_account_currency"


async def _seed_rows(conn: AsyncConnection) -> dict[str, str]:
    """One row of each append-only table, written in this transaction; a WHERE for each."""
    a, b = await new_account(conn), await new_account(conn)
    entry_id = await new_entry(conn)
    await insert_postings(conn, entry_id, [(a, "EUR", 100), (b, "EUR", -100)])
    audit_id, order_id = uuid7(), uuid7()
    await conn.execute(
        text(
            "INSERT INTO audit_log (id, actor, action, entity_type, entity_id, data) "
            "VALUES (:id, 'test', 'test.raw', 'test', :id_text, '{}')"
        ),
        {"id": audit_id, "id_text": str(audit_id)},
    )
    await conn.execute(
        text("INSERT INTO order_transitions (order_id, to_state) VALUES (:o, 'awaiting_funds')"),
        {"o": order_id},
    )
    return {
        "postings": f"entry_id = '{entry_id}'",
        "journal_entries": f"id = '{entry_id}'",
        "audit_log": f"id = '{audit_id}'",
        "order_transitions": f"order_id = '{order_id}'",
    }


APPEND_ONLY = ["postings", "journal_entries", "audit_log", "order_transitions"]
CHANGES = {
    ("postings", "UPDATE"): "UPDATE postings SET amount = amount * 2 WHERE {where}",
    ("journal_entries", "UPDATE"): "UPDATE journal_entries SET reference = 'x' WHERE {where}",
    ("audit_log", "UPDATE"): "UPDATE audit_log SET actor = 'mallory' WHERE {where}",
    ("order_transitions", "UPDATE"): "UPDATE order_transitions SET to_state = 'x' WHERE {where}",
    ("postings", "DELETE"): "DELETE FROM postings WHERE {where}",
    ("journal_entries", "DELETE"): "DELETE FROM journal_entries WHERE {where}",
    ("audit_log", "DELETE"): "DELETE FROM audit_log WHERE {where}",
    ("order_transitions", "DELETE"): "DELETE FROM order_transitions WHERE {where}",
}


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
async def test_append_only_tables_refuse_update_and_delete(
    engine: AsyncEngine, table: str, operation: str
) -> None:
    async with rolled_back(engine) as conn:
        where = (await _seed_rows(conn))[table]
        template = CHANGES[table, operation]
        with pytest.raises(DBAPIError, match=f"{table} is append-only: {operation} refused") as e:
            await conn.execute(text(template.format(where=where)))
        assert sqlstate(e.value) == RESTRICT_VIOLATION


@pytest.mark.parametrize("table", ["postings", "audit_log"])
async def test_append_only_tables_refuse_truncate(engine: AsyncEngine, table: str) -> None:
    async with rolled_back(engine) as conn:
        await conn.execute(text("SET LOCAL lock_timeout = '2s'"))
        with pytest.raises(DBAPIError, match=f"{table} is append-only: TRUNCATE refused"):
            await conn.execute(text(f"TRUNCATE {table}"))
