"""Statement files into the deposit inbox, on PostgreSQL: one deposit per booking whichever
way the bank reported it (webhook, camt.054, camt.053), each file once, dry runs change nothing,
and reversals book balanced entries against the right account."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import HeldFunds, intake_notice
from onramp.banking.adapters.base import BankCredit, BankNotice, BankReversal
from onramp.banking.errors import BankFileAccountUnknown
from onramp.banking.formats.mt940 import Mt940Invalid
from onramp.banking.models import BankFile, Deposit, DepositReversal
from onramp.banking.statements.drop_folder import import_drop_folder
from onramp.banking.statements.imports import ImportReport, import_statement
from onramp.compliance.cases import ComplianceAlert
from onramp.core.db import as_int, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.ledger import bank_account, customer_account, suspense_account
from tests.integration.banking.deposits import eur, expect, expectation

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / "data" / "iso20022"
ACCOUNT = "DE02120300000000202051"
NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def _bank() -> str:
    return f"bank{uuid7().hex[-10:]}"  # each test its own bank: its own keys and ledger


def booking(
    entry_id: str, amount: str, reference: str, *, credit: bool = True, e2e: str | None = None,
    reason: str | None = None,
) -> CamtBooking:  # fmt: skip
    return CamtBooking(
        entry_id=entry_id,
        amount=Decimal(amount),
        currency="EUR",
        credit=credit,
        booked_at=NOW,
        end_to_end_id=e2e or f"E2E-{entry_id}",
        reference=reference,
        party_name="Ada Lovelace",
        party_iban="DE89370400440532013000",
        reversal=not credit,
        return_reason=reason,
    )


def camt(message: str, *bookings: CamtBooking) -> bytes:
    return write_camt(
        message,
        message_id=f"MSG-{uuid7().hex}",
        created_at=NOW,
        account_iban=ACCOUNT,
        currency="EUR",
        bookings=bookings,
        opening=Decimal("0.00") if message == "camt.053" else None,
        on=NOW.date() if message == "camt.053" else None,
    )


async def run_import(
    sessions: async_sessionmaker[AsyncSession], bank: str, data: bytes, *, name: str = "f.xml",
    funds: set[uuid.UUID] | None = None, dry_run: bool = False,
) -> ImportReport:  # fmt: skip
    class Funds:
        async def take_back(
            self, session: AsyncSession, order_ids: Sequence[uuid.UUID]
        ) -> HeldFunds:
            return HeldFunds(unpaid=frozenset(o for o in order_ids if funds and o in funds))

    async with sessions() as session, session.begin() as tx:
        report = await import_statement(
            session, bank=bank, data=data, filename=name, now=NOW, order_funds=Funds()
        )
        if dry_run:
            await tx.rollback()
    return report


async def deposits_of(sessions: async_sessionmaker[AsyncSession], bank: str) -> list[Deposit]:
    async with unit_of_work(sessions) as session:
        return list((await session.scalars(select(Deposit).where(Deposit.bank == bank))).all())


async def postings(
    sessions: async_sessionmaker[AsyncSession], kind: str, ref: str
) -> dict[str, int]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text(
                "SELECT a.code, p.amount FROM journal_entries e"
                " JOIN postings p ON p.entry_id = e.id"
                " JOIN ledger_accounts a ON a.id = p.account_id"
                " WHERE e.kind = :kind AND e.reference = :ref"
            ),
            {"kind": kind, "ref": ref},
        )
        return {r.code: as_int(r.amount) for r in rows}


async def reversal_of(sessions: async_sessionmaker[AsyncSession], bank: str) -> DepositReversal:
    async with unit_of_work(sessions) as session:
        (found,) = (
            await session.scalars(select(DepositReversal).where(DepositReversal.bank == bank))
        ).all()
    return found


async def test_webhook_camt054_and_camt053_of_one_booking_make_one_deposit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    expected = await expect(sessions, eur(250_00))
    webhook_credit = BankCredit(
        entry_id="sbx_one", amount=eur(250_00), reference_text=expected.reference,
        sender_name="Ada Lovelace", sender_iban="DE89370400440532013000", account_iban=ACCOUNT,
        booked_at=NOW,
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await intake_notice(
            session, bank=bank, notice=BankNotice("evt-1", [webhook_credit], {"id": "evt-1"})
        )
    other = booking("sbx_two", "10.00", "no reference at all")

    notification = await run_import(
        sessions, bank, camt("camt.054", booking("sbx_one", "250.00", expected.reference))
    )
    statement = await run_import(
        sessions, bank,
        camt("camt.053", booking("sbx_one", "250.00", expected.reference), other),
    )  # fmt: skip

    assert (notification.counts.credits, notification.counts.received) == (1, 0)
    assert notification.counts.duplicates == 1
    assert (statement.counts.entries, statement.counts.received) == (2, 1)
    assert (statement.counts.duplicates, statement.counts.unmatched) == (1, 1)
    found = {d.bank_entry_id: d for d in await deposits_of(sessions, bank)}
    assert sorted(found) == ["sbx_one", "sbx_two"]
    assert found["sbx_one"].source == "webhook"
    assert (found["sbx_two"].source, found["sbx_two"].status) == ("camt.053", "unmatched")
    assert found["sbx_two"].end_to_end_id == "E2E-sbx_two"


async def test_camt_credit_matches_its_order_in_the_same_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    expected = await expect(sessions, eur(99_00))
    report = await run_import(
        sessions, bank, camt("camt.054", booking("n-1", "99.00", expected.reference))
    )
    assert (report.counts.received, report.counts.matched) == (1, 1)
    (d,) = await deposits_of(sessions, bank)
    assert (d.status, d.order_id, d.source) == ("matched", expected.order_id, "camt.054")
    assert await postings(sessions, "deposit", str(d.id)) == {
        bank_account(bank, "EUR"): 99_00,
        customer_account(expected.customer_id, "EUR"): -99_00,
    }


async def test_the_same_file_twice_is_imported_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    data = camt("camt.053", booking("a", "1.00", "x"), booking("b", "2.00", "y"))
    first = await run_import(sessions, bank, data)
    again = await run_import(sessions, bank, data, name="renamed.xml")

    assert (first.already_imported, first.counts.received) == (False, 2)
    assert again.already_imported
    assert again.counts == first.counts  # what was imported then
    assert len(await deposits_of(sessions, bank)) == 2
    async with unit_of_work(sessions) as session:
        files = (await session.scalars(select(BankFile).where(BankFile.bank == bank))).all()
    assert [(f.filename, f.format, f.source) for f in files] == [("f.xml", "camt.053", "cli")]


async def test_dry_run_reports_the_real_numbers_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    expected = await expect(sessions, eur(5_00))
    data = camt("camt.053", booking("d1", "5.00", expected.reference), booking("d2", "7.00", "?"))
    async with unit_of_work(sessions) as session:
        journal_before = await session.scalar(text("SELECT count(*) FROM journal_entries"))

    dry = await run_import(sessions, bank, data, dry_run=True)

    assert (dry.counts.received, dry.counts.matched, dry.counts.unmatched) == (2, 1, 1)
    assert await deposits_of(sessions, bank) == []
    async with unit_of_work(sessions) as session:
        assert await session.scalar(text("SELECT count(*) FROM journal_entries")) == journal_before
        assert await session.scalar(select(func.count()).where(BankFile.bank == bank)) == 0
    real = await run_import(sessions, bank, data)
    assert real.counts == dry.counts
    assert not real.already_imported


async def test_unreadable_file_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    bank = _bank()
    with pytest.raises(Mt940Invalid):
        await run_import(sessions, bank, b":20:X\n:25:A\n:28C:1\n:60F:C240101EUR1,\n:61:bad\n-\n")
    async with unit_of_work(sessions) as session:
        assert await session.scalar(select(func.count()).where(BankFile.bank == bank)) == 0


async def test_return_of_an_unmatched_deposit_books_against_suspense(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    await run_import(sessions, bank, camt("camt.054", booking("c1", "40.00", "unknown")))
    report = await run_import(
        sessions, bank,
        camt("camt.054", booking("r1", "40.00", "unknown", credit=False, e2e="E2E-c1",
                             reason="AC04")),
    )  # fmt: skip

    assert (report.counts.reversals, report.counts.reversals_booked) == (1, 1)
    (d,) = await deposits_of(sessions, bank)
    assert d.status == "returned"
    assert d.returned_at is not None
    r = await reversal_of(sessions, bank)
    assert (r.status, r.outcome, r.deposit_id, r.return_reason) == (
        "booked", "returned_from_suspense", d.id, "AC04",
    )  # fmt: skip
    assert await postings(sessions, "deposit_reversal", str(r.id)) == {
        suspense_account("EUR"): 40_00,
        bank_account(bank, "EUR"): -40_00,
    }


async def test_a_credit_reported_after_its_return_is_returned_and_funds_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The return comes first (a webhook or statement out of order): it finds no deposit. The
    # credit, when it comes, must not fund the order it names (it used to).
    bank = _bank()
    expected = await expect(sessions, eur(45_00))
    early = camt("camt.054", booking("e1-ret", "45.00", "return", credit=False, e2e="E2E-e1"))
    await run_import(sessions, bank, early)
    assert (await reversal_of(sessions, bank)).status == "unknown"
    report = await run_import(
        sessions, bank, camt("camt.054", booking("e1", "45.00", expected.reference))
    )

    assert (report.counts.received, report.counts.matched) == (1, 0)
    (d,) = await deposits_of(sessions, bank)
    assert (d.status, d.unmatched_reason, d.order_id) == (
        "returned",
        "returned_before_booked",
        None,
    )
    r = await reversal_of(sessions, bank)
    assert (r.status, r.outcome, r.deposit_id) == ("booked", "returned_from_suspense", d.id)
    assert await postings(sessions, "deposit", str(d.id)) == {
        bank_account(bank, "EUR"): 45_00,
        suspense_account("EUR"): -45_00,
    }  # and the return took it out of suspense: it nets to nothing
    assert (await expectation(sessions, expected.reference)).status == "open"  # it waits


async def test_return_while_the_order_holds_its_funds_debits_the_customer_and_holds_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    expected = await expect(sessions, eur(60_00))
    await run_import(sessions, bank, camt("camt.054", booking("m1", "60.00", expected.reference)))
    report = await run_import(
        sessions, bank,
        camt("camt.053", booking("m1", "60.00", expected.reference),
             booking("m1-ret", "60.00", "return", credit=False, e2e="E2E-m1", reason="MD07")),
        funds={expected.order_id},
    )  # fmt: skip

    assert (report.counts.duplicates, report.counts.reversals_booked) == (1, 1)
    r = await reversal_of(sessions, bank)
    liability = customer_account(expected.customer_id, "EUR")
    assert (r.status, r.outcome, r.debited_account) == (
        "booked",
        "returned_from_customer",
        liability,
    )
    assert await postings(sessions, "deposit_reversal", str(r.id)) == {
        liability: 60_00,
        bank_account(bank, "EUR"): -60_00,
    }
    alert = await _alert_of(sessions, r.id)
    assert (alert.action, alert.order_id, alert.kind) == (
        "hold",
        expected.order_id,
        "deposit_returned",
    )


async def test_return_after_the_order_moved_on_goes_to_review_with_an_alert(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    expected = await expect(sessions, eur(70_00))
    await run_import(sessions, bank, camt("camt.054", booking("p1", "70.00", expected.reference)))
    await run_import(
        sessions, bank,
        camt("camt.054",
             booking("p1-ret", "70.00", "x", credit=False, e2e="E2E-p1", reason="AC06")),
        funds=set(),
    )  # fmt: skip

    r = await reversal_of(sessions, bank)
    assert (r.status, r.outcome, r.debited_account) == (
        "review", "order_moved_on", suspense_account("EUR"),
    )  # fmt: skip
    (d,) = await deposits_of(sessions, bank)
    assert d.status == "returned"
    alert = await _alert_of(sessions, r.id)
    assert (alert.action, alert.severity) == ("alert", "high")
    # The customer's credit stays as it was: nothing guessed about the money already moved on.
    assert await postings(sessions, "deposit_reversal", str(r.id)) == {
        suspense_account("EUR"): 70_00,
        bank_account(bank, "EUR"): -70_00,
    }


async def test_unknown_reversal_is_recorded_and_booked_never_dropped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    report = await run_import(
        sessions, bank, camt("camt.053", booking("u1", "3.00", "?", credit=False, reason="AC01"))
    )
    assert (report.counts.reversals, report.counts.reversals_unknown) == (1, 1)
    r = await reversal_of(sessions, bank)
    assert (r.status, r.outcome, r.deposit_id) == ("unknown", "no_deposit", None)
    assert await postings(sessions, "deposit_reversal", str(r.id)) == {
        suspense_account("EUR"): 3_00,
        bank_account(bank, "EUR"): -3_00,
    }


async def test_reversal_by_webhook_and_by_statement_is_settled_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    await run_import(sessions, bank, camt("camt.054", booking("w1", "8.00", "?")))
    returned = BankReversal(
        entry_id="w1-ret", amount=eur(8_00), booked_at=NOW, original_entry_id="w1",
        end_to_end_id=None, return_reason="AC04",
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await intake_notice(
            session, bank=bank, notice=BankNotice("evt-r", [], {"id": "evt-r"}, [returned])
        )
    report = await run_import(
        sessions, bank,
        camt("camt.053", booking("w1", "8.00", "?"),
             booking("w1-ret", "8.00", "?", credit=False, e2e="E2E-w1", reason="AC04")),
    )  # fmt: skip
    assert (report.counts.reversals, report.counts.duplicates) == (1, 2)
    r = await reversal_of(sessions, bank)
    assert r.source == "webhook"  # the statement's copy of it is a duplicate
    # The deposits worker settles it (the running stack's may already have).
    assert r.status in ("received", "booked")


async def test_real_mt940_file_counts_from_the_file(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    data = (DATA / "mt940" / "sepa_snippet.sta").read_bytes()
    report = await run_import(sessions, bank, data, name="sepa_snippet.sta")
    c = report.counts
    assert (c.entries, c.credits, c.debits) == (11, 8, 3)
    assert (c.received, c.unmatched, c.matched) == (8, 8, 0)
    # The 0.08 EUR debit with SEPA return code 914 takes back a credit we do not know.
    assert (c.reversals, c.reversals_unknown) == (1, 1)
    total = sum(as_int(d.amount) for d in await deposits_of(sessions, bank))
    assert Money(total, "EUR") == eur(50990_05 + 154551_93 * 2 + 335_33 + 15000_00 + 15000_05
                                      + 125004_88 + 915311_55)  # fmt: skip


async def _alert_of(
    sessions: async_sessionmaker[AsyncSession], reversal_id: uuid.UUID
) -> ComplianceAlert:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(
            select(ComplianceAlert).where(
                ComplianceAlert.dedupe_key == f"banking:deposit_returned:{reversal_id}"
            )
        )
    assert found is not None
    return found


async def test_file_about_another_account_is_refused_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = _bank()
    data = camt("camt.054", booking("x1", "1.00", "?"))
    async with sessions() as session, session.begin():
        with pytest.raises(BankFileAccountUnknown) as refused:
            await import_statement(
                session, bank=bank, data=data, filename="x.xml", now=NOW,
                accounts=frozenset({"DE89 3704 0044 0532 0130 00"}),
            )  # fmt: skip
    assert ACCOUNT in refused.value.detail
    assert await deposits_of(sessions, bank) == []
    async with sessions() as session, session.begin():
        report = await import_statement(
            session, bank=bank, data=data, filename="x.xml", now=NOW,
            accounts=frozenset({"de02 1203 0000 0000 2020 51"}),  # spelled any way
        )  # fmt: skip
    assert report.counts.received == 1


async def test_drop_folder_imports_once_sets_bad_files_aside_and_skips_partial_ones(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    bank = _bank()
    good = camt("camt.054", booking(f"g-{bank}", "4.00", "?"))
    (tmp_path / "good.xml").write_bytes(good)
    (tmp_path / "upload.xml.tmp").write_bytes(good)
    (tmp_path / "bad.txt").write_bytes(b"hello")

    def later() -> datetime:  # a minute on: every file has settled
        return datetime.fromtimestamp(time.time() + 60, tz=UTC)

    outcomes = await import_drop_folder(
        sessions, directory=tmp_path, bank=bank, now=later, settle_seconds=0
    )
    assert sorted(o.name for o in outcomes) == ["bad.txt", "good.xml"]
    assert (tmp_path / "processed" / "good.xml").exists()
    assert (tmp_path / "upload.xml.tmp").exists()  # still being written: not touched
    reason = (tmp_path / "failed" / "bad.txt.error.txt").read_text()
    assert reason.startswith("bank_file_format_unknown: ")
    # Crash between commit and move: the same bytes are back in the folder; only moved.
    (tmp_path / "again.xml").write_bytes(good)
    (again,) = await import_drop_folder(
        sessions, directory=tmp_path, bank=bank, now=later, settle_seconds=0
    )
    assert again.report is not None
    assert again.report.already_imported
    assert (tmp_path / "processed" / "again.xml").exists()
    assert len(await deposits_of(sessions, bank)) == 1
    # A file written a moment ago waits for the next pass.
    (tmp_path / "fresh.xml").write_bytes(b"01,")
    fresh = await import_drop_folder(
        sessions, directory=tmp_path, bank=bank, now=lambda: datetime.now(UTC), settle_seconds=30
    )
    assert fresh == []


async def test_a_long_remittance_is_kept_whole_and_its_reference_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Banks split long remittance information over several lines (camt ``Ustrd`` repeats,
    MT940 :86: has six of 65): 300 characters was a column too short, and the file failed."""
    bank = _bank()
    expected = await expect(sessions, eur(42_00))
    text = "Invoice 2026-0042 for consulting services in February, " * 10
    report = await run_import(
        sessions,
        bank,
        camt("camt.054", booking("long-1", "42.00", f"{text}{expected.reference}")),
    )

    assert (report.counts.received, report.counts.matched) == (1, 1)
    (d,) = await deposits_of(sessions, bank)
    assert d.reference_text.endswith(expected.reference)
    assert len(d.reference_text) > 500
