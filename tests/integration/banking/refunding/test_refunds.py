"""Refunds against the real database: balanced postings, never more than the deposit (also
under concurrency), sent exactly once across a crash, failure reverses, file export."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from schwifty import IBAN
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import REFUND_FAILED, REFUND_REQUESTED, request_refund
from onramp.banking.adapters.base import BankCredit, OutgoingPayment, PaymentAccepted
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.errors import (
    DepositAlreadyReturned,
    DepositNotFound,
    RefundCreditorUnknown,
    RefundExceedsDeposit,
    RefundNotPositive,
    UnknownRefundReason,
)
from onramp.banking.formats.pain001 import Debtor
from onramp.banking.models import Deposit
from onramp.banking.refund_models import Refund
from onramp.banking.refunding.files import export_refunds, submit_refund_file
from onramp.banking.refunding.sender import (
    RefundPolicy,
    confirm_sent_refunds,
    send_next_refund,
    send_refund,
)
from onramp.banking.statements.imports import import_statement
from onramp.core.db import as_int, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.bank_sandbox import REFUSE_PAYMENT_CREDITOR, RetryPolicy, create_app
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.ledger import balance_of, customer_account, suspense_account
from tests.integration.banking.deposits import BANK, eur, events_about, expect, receive

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
# Refunds these tests send themselves are requested "tomorrow": never due for the refunds
# worker of a stack running beside them on the same database.
LATER = NOW + timedelta(days=1)
FAST = RefundPolicy(max_attempts=2, retry_base=timedelta(seconds=1))


def sender_iban() -> str:
    return str(IBAN.generate("DE", bank_code="37040044", account_code=str(random.randrange(10**9))))


def credit_from(iban: str, amount: Money, reference: str, name: str = "Ada Lovelace") -> BankCredit:
    return BankCredit(
        entry_id=f"entry-{uuid7().hex}",
        amount=amount,
        reference_text=reference,
        sender_name=name,
        sender_iban=iban,
        account_iban="DE02120300000000202051",
        booked_at=NOW,
    )


async def unmatched(
    sessions: async_sessionmaker[AsyncSession], amount: Money, *, name: str = "Ada Lovelace"
) -> tuple[Deposit, str]:
    iban = sender_iban()
    return await receive(sessions, credit_from(iban, amount, "no reference", name)), iban


async def entry_legs(
    sessions: async_sessionmaker[AsyncSession], kind: str, ref: str
) -> dict[str, int]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text(
                "SELECT a.code, p.amount FROM journal_entries e "
                "JOIN postings p ON p.entry_id = e.id "
                "JOIN ledger_accounts a ON a.id = p.account_id "
                "WHERE e.kind = :kind AND e.reference = :ref"
            ),
            {"kind": kind, "ref": ref},
        )
        return {r.code: as_int(r.amount) for r in rows}


async def refund_of(
    sessions: async_sessionmaker[AsyncSession],
    deposit: Deposit,
    minor: int,
    reason: str = "unmatched",
    now: datetime = NOW,
) -> Refund:
    async with unit_of_work(sessions) as session:
        return await request_refund(
            session,
            deposit_id=deposit.id,
            amount=eur(minor),
            reason=reason,
            actor="test:refunds",
            now=now,
        )


@pytest.fixture
async def bank() -> AsyncIterator[tuple[httpx.AsyncClient, SandboxBankPayments]]:
    app = create_app(
        webhook_url="http://nowhere.invalid/hook",
        webhook_secret=b"s",
        account_iban="DE89370400440532013000",
        retry=RetryPolicy(payment_booking_seconds=0.05),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bank") as client:
        yield client, SandboxBankPayments(base_url="http://bank", transport=transport)


async def until_completed(
    sessions: async_sessionmaker[AsyncSession],
    payments: SandboxBankPayments,
    *refund_ids: uuid.UUID,
) -> None:
    """Confirm sent refunds until these are completed (the sandbox books a moment later; a
    stack's worker beside the test may hold a row for an instant)."""
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        await confirm_sent_refunds(sessions, payments=payments, now=NOW)
        async with unit_of_work(sessions) as session:
            rows = (await session.scalars(select(Refund).where(Refund.id.in_(refund_ids)))).all()
        if all(r.status == "completed" for r in rows):
            return
        assert asyncio.get_running_loop().time() < deadline, [r.status for r in rows]
        await asyncio.sleep(0.1)


async def payments_to(client: httpx.AsyncClient, iban: str) -> list[dict[str, str]]:
    listed = await client.get("/payments", params={"creditor_account": iban})
    data: list[dict[str, str]] = listed.json()["data"]
    return data


async def test_a_refund_of_a_suspense_deposit_posts_balanced_entries_and_is_announced(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    deposit, iban = await unmatched(sessions, eur(42_00))

    refund = await refund_of(sessions, deposit, 42_00)

    assert (refund.status, refund.reason, refund.holding_account) == (
        "requested",
        "unmatched",
        suspense_account("EUR"),
    )
    assert await entry_legs(sessions, "refund", str(refund.id)) == {
        "suspense:EUR": 42_00,
        "transit:refunds:EUR": -42_00,
    }
    async with unit_of_work(sessions) as session:
        stored = await session.get_one(Refund, refund.id)
        assert (stored.creditor_name, stored.creditor_iban) == ("Ada Lovelace", iban)
        sealed = await session.scalar(
            text("SELECT creditor_iban_sealed FROM refunds WHERE id = :id"), {"id": refund.id}
        )
        assert iban.encode() not in sealed
    (announced,) = await events_about(sessions, REFUND_REQUESTED, deposit.id)
    assert announced["amount"] == "42.00"
    assert "creditor" not in str(announced)


async def test_a_matched_deposit_is_refunded_from_the_customers_account(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(50_00))
    deposit = await receive(sessions, credit_from(sender_iban(), eur(50_00), expected.reference))
    assert deposit.status == "matched"

    refund = await refund_of(sessions, deposit, 50_00, "order_rejected")

    account = customer_account(expected.customer_id, "EUR")
    assert refund.order_id == expected.order_id
    assert await entry_legs(sessions, "refund", str(refund.id)) == {
        account: 50_00,
        "transit:refunds:EUR": -50_00,
    }
    async with unit_of_work(sessions) as session:
        assert await balance_of(session, account) == eur(0)


async def test_refunds_never_add_up_to_more_than_the_deposit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    deposit, _ = await unmatched(sessions, eur(42_00))
    await refund_of(sessions, deposit, 10_00, "excess")

    with pytest.raises(RefundExceedsDeposit) as exceeded:
        await refund_of(sessions, deposit, 32_01)
    assert exceeded.value.extra == {"refundable": "32.00"}
    for bad in (0, -1):
        with pytest.raises(RefundNotPositive):
            await refund_of(sessions, deposit, bad)
    with pytest.raises(UnknownRefundReason):
        await refund_of(sessions, deposit, 1_00, "because")
    await refund_of(sessions, deposit, 32_00)
    with pytest.raises(DepositAlreadyReturned):
        await refund_of(sessions, deposit, 1)
    with pytest.raises(DepositNotFound):
        await refund_of(sessions, Deposit(id=uuid7()), 1)
    async with unit_of_work(sessions) as session:
        count = await session.scalar(
            text("SELECT count(*) FROM refunds WHERE deposit_id = :d"), {"d": deposit.id}
        )
    assert count == 2


async def test_concurrent_requests_cannot_over_refund(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    deposit, _ = await unmatched(sessions, eur(42_00))

    results = await asyncio.gather(
        *(refund_of(sessions, deposit, 30_00) for _ in range(4)), return_exceptions=True
    )

    assert sum(isinstance(r, Refund) for r in results) == 1
    assert all(isinstance(r, (Refund, RefundExceedsDeposit)) for r in results), results


async def test_a_pseudonymised_sender_cannot_be_refunded(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    deposit, _ = await unmatched(sessions, eur(5_00))
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Deposit)
            .where(Deposit.id == deposit.id)
            .values({Deposit.sender_iban.sealed_key: None, Deposit.sender_iban.index_key: None})
        )
    with pytest.raises(RefundCreditorUnknown):
        await refund_of(sessions, deposit, 5_00)


class CrashAfterTheBank:
    """The bank accepts the payment, then the worker dies before its commit."""

    name = "crashing"

    def __init__(self, real: SandboxBankPayments) -> None:
        self.real = real

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        await self.real.send_payment(payment)
        raise SystemError("worker killed")

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        return await self.real.payment_status(payment_id)


async def _send(
    sessions: async_sessionmaker[AsyncSession],
    refund_id: uuid.UUID,
    payments: SandboxBankPayments | CrashAfterTheBank,
    now: datetime = LATER,
) -> Refund:
    async with unit_of_work(sessions) as session:
        refund = await session.get_one(Refund, refund_id, with_for_update=True)
        await send_refund(session, refund, payments=payments, policy=FAST, now=now)
        return refund


async def test_a_crash_between_the_bank_and_the_commit_pays_once(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    deposit, iban = await unmatched(sessions, eur(42_00))
    refund = await refund_of(sessions, deposit, 42_00, now=LATER)

    with pytest.raises(SystemError):
        await _send(sessions, refund.id, CrashAfterTheBank(payments))
    async with unit_of_work(sessions) as session:
        assert (await session.get_one(Refund, refund.id)).status == "requested"
    sent = await _send(sessions, refund.id, payments)
    assert (sent.status, sent.attempts, sent.channel) == ("sent", 1, "api")

    (payment,) = await payments_to(client, iban)
    assert (payment["id"], payment["amount"]) == (sent.bank_payment_id, "42.00")
    assert payment["reference"] == sent.remittance
    await until_completed(sessions, payments, refund.id)
    assert await entry_legs(sessions, "refund_paid", str(refund.id)) == {
        "transit:refunds:EUR": 42_00,
        f"bank:{BANK}:EUR": -42_00,
    }


class BrokenFor:
    """A bank adapter with a bug for one creditor: raises something no one expected."""

    def __init__(self, real: SandboxBankPayments, creditor_account: str) -> None:
        self.real, self.creditor_account = real, creditor_account

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        if payment.creditor_account == self.creditor_account:
            raise KeyError("a bug")
        return await self.real.send_payment(payment)

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        return await self.real.payment_status(payment_id)


async def test_an_unexpected_error_on_one_refund_does_not_hold_up_the_others(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    (bad, bad_iban), (good, good_iban) = (
        await unmatched(sessions, eur(5_00)),
        await unmatched(sessions, eur(6_00)),
    )
    stuck = await refund_of(sessions, bad, 5_00, now=LATER)
    other = await refund_of(sessions, good, 6_00, now=LATER)
    broken = BrokenFor(payments, bad_iban)
    now = LATER + timedelta(hours=2)  # both due; everything else due sent first
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Refund)
            .where(Refund.id.in_([stuck.id, other.id]))
            .values(next_attempt_at=now - timedelta(minutes=1))
        )

    for _ in range(50):
        if not await send_next_refund(sessions, payments=broken, policy=FAST, now=now):
            break

    async with unit_of_work(sessions) as session:
        after_bug = await session.get_one(Refund, stuck.id)
        assert (after_bug.status, after_bug.attempts) == ("requested", 1)
        assert after_bug.next_attempt_at > now
        assert "unexpected: KeyError" in (after_bug.last_error or "")
        assert (await session.get_one(Refund, other.id)).status in ("sent", "completed")
    assert [p["amount"] for p in await payments_to(client, good_iban)] == ["6.00"]
    assert await payments_to(client, bad_iban) == []


async def test_a_refused_refund_is_retried_then_fails_and_is_reversed(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    async with unit_of_work(sessions) as session:
        before = await balance_of(session, suspense_account("EUR"))
    deposit, iban = await unmatched(sessions, eur(7_00), name=REFUSE_PAYMENT_CREDITOR)
    refund = await refund_of(sessions, deposit, 7_00, now=LATER)

    first = await _send(sessions, refund.id, payments)
    assert (first.status, first.attempts) == ("requested", 1)
    assert first.next_attempt_at == LATER + FAST.retry_base
    assert "payment_refused" in (first.last_error or "")
    last = await _send(sessions, refund.id, payments, now=LATER + timedelta(seconds=2))

    assert (last.status, last.attempts) == ("failed", 2)
    assert await entry_legs(sessions, "refund_reversal", str(refund.id)) == {
        "transit:refunds:EUR": 7_00,
        "suspense:EUR": -7_00,
    }
    async with unit_of_work(sessions) as session:
        # Back where it was: in suspense (a credit balance), and refundable again.
        assert await balance_of(session, suspense_account("EUR")) == before - eur(7_00)
    (failed,) = await events_about(sessions, REFUND_FAILED, deposit.id)
    assert "payment_refused" in failed["error"]
    assert await payments_to(client, iban) == []
    again = await refund_of(sessions, deposit, 7_00, now=LATER)
    assert again.status == "requested"


async def test_requested_refunds_export_as_one_pain001_and_complete_once_booked(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    (d1, iban1), (d2, iban2) = (
        await unmatched(sessions, eur(11_00)),
        await unmatched(sessions, eur(22_00)),
    )
    r1 = await refund_of(sessions, d1, 11_00, now=LATER)
    r2 = await refund_of(sessions, d2, 22_00, now=LATER)
    debtor = Debtor("onramp Treasury", "DE89370400440532013000", "COBADEFFXXX")

    async with unit_of_work(sessions) as session:
        stored = await export_refunds(
            session, debtor=debtor, schema="pain.001.001.03", actor="test", now=NOW
        )
    assert stored is not None
    assert r1.id.hex in stored.xml
    assert r2.id.hex in stored.xml
    async with unit_of_work(sessions) as session:
        rows = (await session.scalars(select(Refund).where(Refund.file_id == stored.id))).all()
        assert {r.id for r in rows} >= {r1.id, r2.id}
        assert {r.status for r in rows} == {"sent"}
        assert {r.channel for r in rows} == {"pain001_file"}
        # Already in a file: a second export does not pay them again.
        again = await export_refunds(
            session, debtor=debtor, schema="pain.001.001.03", actor="test", now=NOW
        )
        assert again is None or r1.id.hex not in again.xml
    async with unit_of_work(sessions) as session:
        file_row = await session.merge(stored)
        await submit_refund_file(session, stored=file_row, bank=payments, actor="test", now=NOW)
    assert [p["amount"] for p in await payments_to(client, iban1)] == ["11.00"]
    assert [p["amount"] for p in await payments_to(client, iban2)] == ["22.00"]
    await until_completed(sessions, payments, r1.id, r2.id)


async def test_a_statement_debit_naming_a_refund_completes_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    deposit, iban = await unmatched(sessions, eur(33_00))
    refund = await refund_of(sessions, deposit, 33_00, now=LATER)
    debtor = Debtor("onramp Treasury", "DE89370400440532013000", "COBADEFFXXX")
    async with unit_of_work(sessions) as session:
        stored = await export_refunds(
            session, debtor=debtor, schema="pain.001.001.03", actor="test", now=NOW
        )
    assert stored is not None
    statement = write_camt(
        "camt.054",
        message_id=f"TEST{uuid7().hex[:20]}",
        created_at=NOW,
        account_iban="DE89370400440532013000",
        currency="EUR",
        bookings=[
            CamtBooking(
                entry_id=f"out-{uuid7().hex}",
                amount=Decimal("33.00"),
                currency="EUR",
                credit=False,
                booked_at=NOW,
                end_to_end_id=refund.id.hex,
                reference="RETURN",
                party_name="Ada Lovelace",
                party_iban=iban,
            )
        ],
    )

    async with unit_of_work(sessions) as session:
        report = await import_statement(
            session, bank=BANK, data=statement, filename="out.xml", now=NOW
        )
    assert report.counts.refunds_booked == 1
    async with unit_of_work(sessions) as session:
        done = await session.get(Refund, refund.id)
        assert done is not None
        assert done.status == "completed"
