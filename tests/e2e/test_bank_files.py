"""Bank files on the running stack: the sandbox's camt files report what its webhooks already
did (one deposit per booking), a return reaches the deposit whichever way it comes, and the
drop folder pays an order on its own."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import BankFile, Deposit, DepositReversal
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay, wait_delivered


def bank_import(stack: Stack, path: Path, *extra: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "onramp", "bank", "import", str(path), "--json", *extra],
        capture_output=True,
        text=True,
        env=os.environ | stack.env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


async def fetched(bank: httpx.AsyncClient, url: str, **params: str) -> Path:
    response = await bank.get(url, params=params)
    assert response.status_code == 200, response.text
    path = Path(tempfile.mkdtemp(prefix="bank-file-")) / "file.xml"
    path.write_bytes(response.content)
    return path


async def deposits_of(sessions: async_sessionmaker[AsyncSession], entry_id: str) -> list[Deposit]:
    async with sessions() as session:
        rows = await session.scalars(select(Deposit).where(Deposit.bank_entry_id == entry_id))
        return list(rows.all())


async def until(check: Any, *, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = await check()
        if found:
            return found
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_statement_after_the_webhook_adds_no_deposit(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    since = datetime.now(UTC).isoformat()
    order = await customer.order(await customer.quote("120.00"))
    transfer = await pay(bank, order)
    await customer.wait_for(order["id"], "completed")

    notification = await fetched(bank, "/notifications/camt.054", since=since)
    dry = bank_import(stack, notification, "--dry-run")
    report = bank_import(stack, notification)
    again = bank_import(stack, notification)

    assert (report["format"], report["credits"], report["received"]) == ("camt.054", 1, 0)
    assert report["duplicates"] == 1
    assert {k: dry[k] for k in ("received", "duplicates")} == {"received": 0, "duplicates": 1}
    assert again["already_imported"] is True
    statement = await fetched(
        bank, "/statements/camt.053", date=datetime.now(UTC).date().isoformat()
    )
    day = bank_import(stack, statement)
    assert day["format"] == "camt.053"
    assert day["duplicates"] >= 1
    (deposit,) = await deposits_of(sessions, transfer["id"])
    assert (deposit.source, deposit.status) == ("webhook", "matched")


async def test_returned_transfer_marks_its_deposit_returned(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await customer.order(await customer.quote("90.00"))
    transfer = await pay(bank, order)
    await customer.wait_for(order["id"], "completed")

    response = await bank.post(f"/transfers/{transfer['id']}/return", json={"reason": "AC04"})
    assert response.status_code == 202, response.text
    returned = response.json()
    await wait_delivered(bank, returned["id"])

    async def settled() -> DepositReversal | None:
        async with sessions() as session:
            r = await session.scalar(
                select(DepositReversal).where(DepositReversal.bank_entry_id == returned["id"])
            )
        return r if r is not None and r.status != "received" else None

    reversal = await until(settled)
    # The order was paid out: nothing is guessed, the amount waits in suspense with an alert.
    assert (reversal.status, reversal.outcome, reversal.return_reason) == (
        "review",
        "order_moved_on",
        "AC04",
    )
    (deposit,) = await deposits_of(sessions, transfer["id"])
    assert deposit.status == "returned"
    assert reversal.deposit_id == deposit.id
    statement = await fetched(
        bank, "/statements/camt.053", date=datetime.now(UTC).date().isoformat()
    )
    report = bank_import(stack, statement)
    assert report["reversals"] >= 1  # the same return, reported again: a duplicate
    async with sessions() as session:
        rows = await session.scalars(
            select(DepositReversal).where(DepositReversal.deposit_id == deposit.id)
        )
        assert len(rows.all()) == 1


async def test_drop_folder_file_pays_an_order_and_a_bad_file_is_set_aside(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    drop = stack.settings.banking.drop_dir
    assert drop is not None
    order = await customer.order(await customer.quote("75.00"))
    instructions = order["deposit_instructions"]
    entry_id = f"file-{uuid.uuid4().hex}"
    data = write_camt(
        "camt.054",
        message_id=f"DROP-{uuid.uuid4().hex[:20]}",
        created_at=datetime.now(UTC),
        account_iban=stack.settings.banking.treasury_iban,
        currency="EUR",
        bookings=[
            CamtBooking(
                entry_id=entry_id,
                amount=Decimal(instructions["amount"]),
                currency="EUR",
                credit=True,
                booked_at=datetime.now(UTC),
                end_to_end_id=f"E2E-{entry_id[-20:]}",
                reference=instructions["reference"],
                party_name="Test Customer",
                party_iban="GB33BUKB20201555555555",
            )
        ],
    )
    name = f"{entry_id}.xml"
    (drop / f"{name}.tmp").write_bytes(data)  # an upload in progress is not read
    (drop / f"{name}.tmp").replace(drop / name)
    (drop / f"bad-{entry_id}.txt").write_bytes(b"not a bank file\n")

    await customer.wait_for(order["id"], "completed")
    (deposit,) = await deposits_of(sessions, entry_id)
    assert (deposit.source, deposit.status) == ("camt.054", "matched")

    async def moved() -> bool:
        return (drop / "processed" / name).exists() and (
            drop / "failed" / f"bad-{entry_id}.txt.error.txt"
        ).exists()

    await until(moved)
    error = (drop / "failed" / f"bad-{entry_id}.txt.error.txt").read_text()
    assert error.startswith("bank_file_format_unknown:")
    async with sessions() as session:
        recorded = await session.scalar(select(BankFile).where(BankFile.filename == name))
    assert recorded is not None
    assert (recorded.source, recorded.counts["received"]) == ("drop_folder", 1)
