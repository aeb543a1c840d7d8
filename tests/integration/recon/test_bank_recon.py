"""Bank ↔ ledger reconciliation on PostgreSQL: a clean day reports nothing; each kind of break
injected is reported with its type and references, and only it; a run is idempotent for its
date, and a break later data explains clears."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import intake_notice, match_deposits
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.models import BankStatementLine, Deposit
from onramp.banking.statements.imports import import_statement
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.devstack.stack import Stack
from onramp.recon import ReconBreak, ReconRun, RunResult, run_recon
from onramp.recon.bank import COVERAGE_WINDOW
from tests.integration.banking.deposits import eur, expect
from tests.integration.recon.days import fresh_day

pytestmark = pytest.mark.integration

ACCOUNT = "DE02120300000000202051"


_day = fresh_day


def _bank() -> str:
    return f"rb{uuid7().hex[-10:]}"


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def _booking(day: date, entry_id: str, amount: str, reference: str) -> CamtBooking:
    return CamtBooking(
        entry_id=entry_id, amount=Decimal(amount), currency="EUR", credit=True,
        booked_at=_at(day), end_to_end_id=f"E2E-{entry_id}", reference=reference,
        party_name="Ada Lovelace", party_iban="DE89370400440532013000", reversal=False,
        return_reason=None,
    )  # fmt: skip


async def _import(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, *bookings: CamtBooking
) -> None:
    data = write_camt(
        "camt.053", message_id=f"MSG-{uuid7().hex}", created_at=_at(day), account_iban=ACCOUNT,
        currency="EUR", bookings=bookings, opening=Decimal("0.00"), on=day,
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await import_statement(session, bank=bank, data=data, filename="s.xml", now=_at(day))


async def _webhook(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, entry_id: str,
    amount: int, *, e2e: str | None = None,
) -> None:  # fmt: skip
    credit = BankCredit(
        entry_id=entry_id, amount=eur(amount), reference_text="no reference",
        sender_name="Ada Lovelace", sender_iban="DE89370400440532013000", account_iban=ACCOUNT,
        booked_at=_at(day), end_to_end_id=e2e,
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await intake_notice(
            session, bank=bank, notice=BankNotice(f"evt-{uuid7().hex}", [credit], {})
        )
        ids = await session.scalars(
            select(Deposit.id).where(Deposit.bank == bank, Deposit.bank_entry_id == entry_id)
        )
        await match_deposits(session, deposit_ids=list(ids), now=_at(day))


async def _run(sessions: async_sessionmaker[AsyncSession], day: date) -> RunResult:
    async with unit_of_work(sessions) as session:
        return await run_recon(
            session, day=day, now=datetime.now(UTC), requested_by="test", obligations_of=()
        )


def _open(result: RunResult) -> list[tuple[str, str, str, int]]:
    return sorted(
        (b.type, b.source, b.reference, int(b.amount)) for b in result.breaks if b.state == "open"
    )


async def test_a_clean_day_reports_nothing_and_a_second_run_doubles_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    expected = await expect(sessions, eur(120_00))
    await _import(sessions, bank, day, _booking(day, "c-1", "120.00", expected.reference))

    first = await _run(sessions, day)
    again = await _run(sessions, day)

    assert first.breaks == []
    assert again.breaks == []
    assert first.matched["bank"] == {"lines": 1, "amounts": {"EUR": 120_00}}
    assert first.as_dict()["matched"] == {"bank": 1, "chain": 0}
    async with unit_of_work(sessions) as session:
        runs = await session.scalar(
            select(func.count()).select_from(ReconRun).where(ReconRun.run_date == day)
        )
    assert runs == 2


async def test_a_bank_line_with_no_deposit_is_missing_in_the_ledger(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _import(sessions, bank, day, _booking(day, "k-1", "10.00", "anything"))
    async with unit_of_work(sessions) as session:
        line = await session.scalar(select(BankStatementLine).where(BankStatementLine.bank == bank))
        assert line is not None
        session.add(
            BankStatementLine(
                id=uuid7(), bank=bank, entry_key="lost-1", account=ACCOUNT, booking_date=day,
                direction="credit", reversal=False, amount=7_00, currency="EUR",
                end_to_end_id=None, first_file_id=line.first_file_id,
            )
        )  # fmt: skip

    result = await _run(sessions, day)

    assert _open(result) == [("missing_in_ledger", "bank", "lost-1", 7_00)]
    assert result.matched["bank"]["lines"] == 1


async def test_a_deposit_no_bank_file_books_is_missing_at_the_bank_once_they_cover_the_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "w-1", 25_00)

    before_the_file = await _run(sessions, day)
    await _import(sessions, bank, day, _booking(day, "other", "1.00", "x"))
    after_the_file = await _run(sessions, day)

    assert _open(before_the_file) == [("timing", "bank", "w-1", 25_00)]
    # The bank's closing balance lacks the deposit the ledger holds.
    assert _open(after_the_file) == [
        ("balance_mismatch", "bank", f"closing@{day.isoformat()}:EUR", -25_00),
        ("missing_at_bank", "bank", "w-1", 25_00),
    ]
    async with unit_of_work(sessions) as session:
        states = dict(
            (
                await session.execute(
                    select(ReconBreak.type, ReconBreak.state).where(ReconBreak.run_date == day)
                )
            ).all()
        )
    assert states == {"timing": "cleared", "missing_at_bank": "open", "balance_mismatch": "open"}


async def test_a_bank_file_of_a_week_later_and_beyond_does_not_cover_the_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "w-1", 25_00)
    later = day + COVERAGE_WINDOW
    await _import(sessions, bank, later, _booking(later, "other", "1.00", "x"))

    result = await _run(sessions, day)

    assert _open(result) == [("timing", "bank", "w-1", 25_00)]


async def test_a_timing_break_clears_when_the_evening_file_books_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "w-2", 30_00)
    assert [b.type for b in (await _run(sessions, day)).breaks] == ["timing"]

    await _import(sessions, bank, day, _booking(day, "w-2", "30.00", "no reference"))
    result = await _run(sessions, day)

    assert result.breaks == []
    assert result.matched["bank"]["lines"] == 1


async def test_an_amount_off_by_one_minor_unit_is_a_mismatch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _import(sessions, bank, day, _booking(day, "m-1", "50.00", "x"))
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(BankStatementLine)
            .where(BankStatementLine.bank == bank)
            .values(amount=BankStatementLine.amount + 1)
        )

    result = await _run(sessions, day)

    assert _open(result) == [("amount_mismatch", "bank", "m-1", 1)]


async def test_a_deposit_booked_without_its_posting_is_missing_in_the_ledger(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _import(sessions, bank, day, _booking(day, "p-1", "5.00", "x"))
    deposit_id = uuid.uuid4()
    async with unit_of_work(sessions) as session:
        # A deposit row that says it was booked, with no journal entry behind it.
        await session.execute(
            text(
                "INSERT INTO deposits (id, bank, bank_entry_id, amount, currency, reference_text,"
                " booked_at, status, source) VALUES (:id, :bank, 'p-2', 900, 'EUR', 'x', :at,"
                " 'unmatched', 'webhook')"
            ),
            {"id": deposit_id, "bank": bank, "at": _at(day)},
        )

    result = await _run(sessions, day)

    assert _open(result) == [
        ("missing_at_bank", "bank", "p-2", 900),
        ("missing_in_ledger", "ledger", str(deposit_id), 900),
    ]


async def test_one_payment_booked_twice_is_a_duplicate(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "d-1", 40_00, e2e="E2E-SAME")
    await _webhook(sessions, bank, day, "d-2", 40_00, e2e="E2E-SAME")
    await _import(
        sessions, bank, day,
        _booking(day, "d-1", "40.00", "no reference"),
        _booking(day, "d-2", "40.00", "no reference"),
    )  # fmt: skip

    result = await _run(sessions, day)

    assert _open(result) == [("duplicate", "bank", "d-2", 40_00)]


async def test_the_command_prints_the_run_as_one_json_object_and_exits_0_with_breaks(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "cli-1", 12_34)

    done = subprocess.run(
        [sys.executable, "-m", "onramp", "recon", "run", "--date", day.isoformat(), "--json"],
        capture_output=True, text=True, env=os.environ | infra.env(), timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert set(printed) == {"run_id", "date", "matched", "breaks"}
    assert printed["date"] == day.isoformat()
    assert printed["matched"] == {"bank": 0, "chain": 0}
    # The command checks obligations for every customer: the shared database's other tests'.
    (found,) = [b for b in printed["breaks"] if b["type"] != "obligation_mismatch"]
    assert {k: found[k] for k in ("type", "source", "amount", "currency", "reference")} == {
        "type": "timing", "source": "bank", "amount": 12_34, "currency": "EUR",
        "reference": "cli-1",
    }  # fmt: skip
