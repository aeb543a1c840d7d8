"""``onramp samples statements`` places the approved sample customers' orders and writes a
statement paying each into the stack's drop folder, one per format: the bank-files worker
imports them and each deposit is matched to its order. A second run places nothing and
imports nothing new."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import Deposit
from onramp.devstack.stack import Stack
from tests.e2e.samples_cli import load_samples

LINE = re.compile(r"^(\S+)\s+\S+\s+order (\S+) (placed|found), entry (\w+): ", re.M)


def statements(stack: Stack) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp", "samples", "statements"],
        env=os.environ | stack.env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def _deposits(
    sessions: async_sessionmaker[AsyncSession], entries: list[str]
) -> dict[str, list[Deposit]]:
    async with sessions() as session:
        rows = (
            await session.scalars(select(Deposit).where(Deposit.bank_entry_id.in_(entries)))
        ).all()
    found: dict[str, list[Deposit]] = {e: [] for e in entries}
    for row in rows:
        found[row.bank_entry_id].append(row)
    return found


async def test_sample_statements_pay_the_sample_orders_in_each_format_once(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    loaded = await asyncio.to_thread(load_samples, stack)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    first = await asyncio.to_thread(statements, stack)
    assert first.returncode == 0, first.stdout + first.stderr
    written = LINE.findall(first.stdout)
    assert [w[0] for w in written] == ["camt.053", "camt.054", "mt940", "bai2"], first.stdout
    entries = [w[3] for w in written]

    deadline = time.monotonic() + 30
    while True:
        found = await _deposits(sessions, entries)
        if all(d and d[0].status == "matched" for d in found.values()):
            break
        assert time.monotonic() < deadline, {
            e: [(d.status, d.source) for d in ds] for e, ds in found.items()
        }
        await asyncio.sleep(0.3)
    assert [found[e][0].source for e in entries] == ["camt.053", "camt.054", "mt940", "bai2"]
    assert {str(found[e][0].order_id) for e in entries} == {w[1] for w in written}

    again = await asyncio.to_thread(statements, stack)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [w[1:] for w in LINE.findall(again.stdout)] == [
        (order, "found", entry) for _, order, _, entry in written
    ]
    assert "nothing changed" in again.stdout
    await asyncio.sleep(1.0)  # what a new file would have needed to be imported
    assert all(len(d) == 1 for d in (await _deposits(sessions, entries)).values())
