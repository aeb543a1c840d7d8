"""Deposit matching: how fast the deposits worker ties credits to orders, per kind of credit.

Creates a scratch database on the PostgreSQL server of ``ONRAMP_DATABASE__URL`` (default: the
machine's, 127.0.0.1:5432), a SoftHSM2 token for the sealed sender fields, N open orders, then
takes N credits through intake and ``match_deposits`` in batches like the worker's: exact
references, references with one typo, no reference from a verified account, and unknown ones.
Prints deposits/s per kind and the reference search's cost per credit.

    .venv/bin/python bench/matching.py --deposits 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity_keys import scratch_database
from onramp.banking import creditor_reference_for_order, expect_deposit, intake_notice
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.booking.deposit_booking import match_deposits
from onramp.banking.models import BankAccountStatus, CustomerBankAccount, Deposit
from onramp.banking.references.reference_search import corrected_candidates, exact_candidates
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.ids import uuid7
from onramp.core.keys import install_keyring, open_keyring
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.devstack.softhsm import start_softhsm

KINDS = ("exact", "typo", "sender_account", "unknown")
BATCH = 100


def _typo(ref: str) -> str:
    return ref[:10] + ("7" if ref[10] != "7" else "8") + ref[11:]


def _credit(amount: Money, text: str, iban: str) -> BankCredit:
    return BankCredit(
        entry_id=f"bench-{uuid7().hex}",
        amount=amount,
        reference_text=text,
        sender_name="Bench Sender",
        sender_iban=iban,
        account_iban="DE89370400440532013000",
        booked_at=datetime.now(UTC),
    )


async def _orders(sessions: async_sessionmaker[AsyncSession], n: int) -> list[BankCredit]:
    """N open orders and, for each, the credit of one kind that pays it."""
    credits = []
    async with unit_of_work(sessions) as session:
        for i in range(n):
            kind = KINDS[i % len(KINDS)]
            order_id, customer_id = uuid7(), uuid7()
            ref = creditor_reference_for_order(order_id)
            amount = Money(10_000 + i, "EUR")
            await expect_deposit(
                session,
                order_id=order_id,
                customer_id=customer_id,
                creditor_reference=ref,
                amount=amount,
            )
            iban = f"DE{customer_id.int % 10**20:020d}"
            if kind == "sender_account":
                account = CustomerBankAccount(
                    id=uuid7(),
                    customer_id=customer_id,
                    scheme="iban",
                    country="DE",
                    currency="EUR",
                    last4=iban[-4:],
                    status=BankAccountStatus.VERIFIED.value,
                    created_at=datetime.now(UTC),
                )
                account.holder_name = "Bench Sender"
                account.account_number = iban
                session.add(account)
            text = {
                "exact": f"order {ref}",
                "typo": f"order {_typo(ref)}",
                "sender_account": "monthly savings",
                "unknown": "rent march",
            }[kind]
            credits.append(_credit(amount, text, iban))
    return credits


async def _match_all(
    sessions: async_sessionmaker[AsyncSession], credits: list[BankCredit]
) -> float:
    start = time.perf_counter()
    for i in range(0, len(credits), BATCH):
        batch = credits[i : i + BATCH]
        async with unit_of_work(sessions) as session:
            await intake_notice(
                session,
                bank="bench",
                notice=BankNotice(event_id=uuid7().hex, credits=batch, payload={}),
            )
            ids = list(
                await session.scalars(
                    select(Deposit.id).where(Deposit.bank_entry_id.in_([c.entry_id for c in batch]))
                )
            )
            await match_deposits(session, deposit_ids=ids)
    return time.perf_counter() - start


def _search_cost(iterations: int) -> tuple[float, float]:
    ref = creditor_reference_for_order(uuid.uuid4())
    start = time.perf_counter()
    for _ in range(iterations):
        exact_candidates(f"order {ref} thanks")
    exact = (time.perf_counter() - start) / iterations
    start = time.perf_counter()
    for _ in range(max(1, iterations // 100)):
        corrected_candidates(f"order {_typo(ref)} thanks")
    corrected = (time.perf_counter() - start) / max(1, iterations // 100)
    return exact, corrected


async def main(deposits: int) -> None:
    url = os.environ.get(
        "ONRAMP_DATABASE__URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    settings = Settings()
    settings = settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )
    with tempfile.TemporaryDirectory() as scratch_dir:
        token = await asyncio.to_thread(start_softhsm, Path(scratch_dir))
        hsm = token.apply(settings.hsm)
        async with scratch_database(settings) as db_url:
            scratch = settings.model_copy(
                update={
                    "hsm": hsm,
                    "database": settings.database.model_copy(update={"url": db_url}),
                }
            )
            await asyncio.to_thread(upgrade, db_url, settings=scratch)
            async with standalone_sessions(db_url) as sessions:
                install_keyring(await open_keyring(sessions, hsm))
                credits = await _orders(sessions, deposits)
                by_kind = {
                    k: [c for i, c in enumerate(credits) if KINDS[i % 4] == k] for k in KINDS
                }
                print(f"deposit matching, {deposits} credits, batches of {BATCH}")
                for kind, batch in by_kind.items():
                    seconds = await _match_all(sessions, batch)
                    print(f"  {kind:15s} {len(batch) / seconds:8.0f} deposits/s")
    exact, corrected = _search_cost(2000)
    print(
        f"  reference search: exact {exact * 1e6:.0f} µs, one-typo correction "
        f"{corrected * 1e3:.1f} ms per credit"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=2000)
    asyncio.run(main(parser.parse_args().deposits))
