"""A refund the bank never answered, settled by hand with four eyes: confirmed sent (booked as
paid) or marked failed (the money credited back as a refusal does), only while it is stuck,
and the bank's late answer and the approval ordered by the refund's row lock (whichever comes
first wins, once; the other changes nothing). Against the real database and, for the routes,
an in-process API."""

from __future__ import annotations

import asyncio
import getpass
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner, Result

from onramp.auth import Principal
from onramp.banking import REFUND_COMPLETED, REFUND_FAILED
from onramp.banking.adapters.base import OutgoingPayment, PaymentAccepted
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.errors import (
    BankUnavailable,
    RefundNotFound,
    RefundNotStuck,
    RefundSettlementPending,
)
from onramp.banking.models import Deposit
from onramp.banking.refund_models import Refund
from onramp.banking.refunding.files import confirm_refund_booked
from onramp.banking.refunding.sender import send_next_refund
from onramp.banking.refunding.settlement import (
    Settlement,
    register_settlement_approval,
    request_settlement,
)
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.identity import FourEyesViolation, decide_approval
from onramp.identity.accounts.service import create_user
from onramp.identity.models import ApprovalRequest
from onramp.ledger import balance_of, suspense_account
from onramp.runtime.cli import app
from tests.e2e.mfa_people import PASSWORD
from tests.integration.banking.deposits import BANK, eur, events_about, waits_for_a_lock
from tests.integration.banking.refunding.test_refunds import (
    FAST,
    LATER,
    _send,
    bank,
    entry_legs,
    payments_to,
    refund_of,
    unmatched,
)
from tests.integration.banking.test_file_routes import _person, api

pytestmark = pytest.mark.integration
__all__ = ["api", "bank"]


def staff() -> Principal:
    return Principal(user_id=uuid.uuid4(), role="treasurer", session_id=uuid.uuid4())


class Unanswered:
    """The bank answers 503 (it may have paid, it does not say)."""

    name = "unanswered"

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        raise BankUnavailable("bank answered 503")

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        raise BankUnavailable("bank answered 503")


class AnswersLate:
    """The bank pays and books the refund, but answers only when ``answer`` is set."""

    name = "late"

    def __init__(self) -> None:
        self.answer = asyncio.Event()
        self.asked = asyncio.Event()

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        self.asked.set()
        await self.answer.wait()
        return PaymentAccepted(payment_id=f"late-{payment.idempotency_key}", status="booked")

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        return PaymentAccepted(payment_id=payment_id, status="booked")


@pytest.fixture(autouse=True)
def _registered() -> None:
    register_settlement_approval()


async def stuck_refund(
    sessions: async_sessionmaker[AsyncSession], minor: int = 20_00
) -> tuple[Refund, Deposit, str]:
    """A refund of a suspense deposit whose one send the bank did not answer, the deposit,
    and its sender's account."""
    deposit, iban = await unmatched(sessions, eur(minor))
    refund = await refund_of(sessions, deposit, minor, now=LATER)
    sent = await _send(sessions, refund.id, Unanswered())  # type: ignore[arg-type]
    assert (sent.status, sent.attempts) == ("requested", 1)
    return sent, deposit, iban


async def ask(
    sessions: async_sessionmaker[AsyncSession],
    refund_id: uuid.UUID,
    settlement: Settlement,
    requester: Principal,
) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        requested = await request_settlement(
            session,
            refund_id=refund_id,
            settlement=settlement,
            requester=requester,
            reason="the bank's payments desk confirmed it by phone, ticket 4711",
            now=LATER,
        )
    return requested.approval_id


async def approve(
    sessions: async_sessionmaker[AsyncSession], approval_id: uuid.UUID, approver: Principal
) -> ApprovalRequest:
    async with unit_of_work(sessions) as session:
        return await decide_approval(
            session,
            request_id=approval_id,
            approver=approver,
            approve=True,
            reason="checked the bank's confirmation",
            now=LATER,
        )


async def stored(sessions: async_sessionmaker[AsyncSession], refund_id: uuid.UUID) -> Refund:
    async with unit_of_work(sessions) as session:
        return await session.get_one(Refund, refund_id)


async def audit_actions(
    sessions: async_sessionmaker[AsyncSession], refund_id: uuid.UUID
) -> list[tuple[str, str]]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text(
                "SELECT actor, action FROM audit_log WHERE entity_type = 'refund' "
                "AND entity_id = :id ORDER BY id"
            ),
            {"id": str(refund_id)},
        )
        return [(r.actor, r.action) for r in rows]


async def test_confirm_sent_books_a_stuck_refund_as_paid_once_a_second_person_approves(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    refund, _, _ = await stuck_refund(sessions)
    alice, bob = staff(), staff()

    approval_id = await ask(sessions, refund.id, Settlement.CONFIRM_SENT, alice)
    with pytest.raises(RefundSettlementPending):
        await ask(sessions, refund.id, Settlement.MARK_FAILED, bob)
    with pytest.raises(FourEyesViolation):
        await approve(sessions, approval_id, alice)
    assert (await stored(sessions, refund.id)).status == "requested"
    decided = await approve(sessions, approval_id, bob)

    assert decided.status == "approved"
    assert decided.result == {"refund_id": str(refund.id), "status": "completed"}
    done = await stored(sessions, refund.id)
    assert (done.status, done.completed_at) == ("completed", LATER)
    assert await entry_legs(sessions, "refund_paid", str(refund.id)) == {
        "transit:refunds:EUR": 20_00,
        f"bank:{BANK}:EUR": -20_00,
    }
    (completed,) = await events_about(sessions, REFUND_COMPLETED, refund.deposit_id)
    assert completed["settlement"] == "confirm_sent"
    assert completed["reason"] == "unmatched"  # the refund's own reason code stays
    assert (completed["requested_by"], completed["approved_by"]) == (
        str(alice.user_id),
        str(bob.user_id),
    )
    assert completed["approval_id"] == str(approval_id)
    assert "ticket 4711" in completed["settled_because"]
    assert completed["approver_note"] == "checked the bank's confirmation"
    assert (f"user:{bob.user_id}", "refund.completed") in await audit_actions(sessions, refund.id)


async def test_mark_failed_credits_the_money_back_as_a_refusal_does(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(sessions) as session:
        before = await balance_of(session, suspense_account("EUR"))
    refund, deposit, _ = await stuck_refund(sessions, 9_00)

    await approve(
        sessions, await ask(sessions, refund.id, Settlement.MARK_FAILED, staff()), staff()
    )

    failed = await stored(sessions, refund.id)
    assert (failed.status, failed.failed_at) == ("failed", LATER)
    assert "settled by operators (four-eyes)" in (failed.last_error or "")
    assert await entry_legs(sessions, "refund_reversal", str(refund.id)) == {
        "transit:refunds:EUR": 9_00,
        "suspense:EUR": -9_00,
    }
    async with unit_of_work(sessions) as session:
        # Back in suspense as it was before the refund (its credit, 9.00, is there again).
        assert await balance_of(session, suspense_account("EUR")) == before - eur(9_00)
    (event,) = await events_about(sessions, REFUND_FAILED, refund.deposit_id)
    assert event["settlement"] == "mark_failed"
    again = await refund_of(sessions, deposit, 9_00, now=LATER)
    assert again.status == "requested"  # the deposit may be refunded again


async def test_only_a_stuck_refund_is_settled(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    _, payments = bank
    deposit, _ = await unmatched(sessions, eur(5_00))
    fresh = await refund_of(sessions, deposit, 5_00, now=LATER)
    # Never tried: the worker is still on it.
    with pytest.raises(RefundNotStuck):
        await ask(sessions, fresh.id, Settlement.MARK_FAILED, staff())
    taken = await _send(sessions, fresh.id, payments)
    assert taken.status in ("sent", "completed")
    with pytest.raises(RefundNotStuck):
        await ask(sessions, fresh.id, Settlement.CONFIRM_SENT, staff())
    with pytest.raises(RefundNotFound):
        await ask(sessions, uuid7(), Settlement.CONFIRM_SENT, staff())


async def test_the_banks_late_answer_first_wins_and_the_approval_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    refund, _, _ = await stuck_refund(sessions, 13_00)
    approval_id = await ask(sessions, refund.id, Settlement.MARK_FAILED, staff())
    late = AnswersLate()
    pid: list[int] = []

    async def worker_sends() -> None:  # the worker's send, the refund row locked meanwhile
        await _send(sessions, refund.id, late, now=LATER + timedelta(hours=1))  # type: ignore[arg-type]

    async def approver() -> None:
        async with unit_of_work(sessions) as session:
            pid.append(int(await session.scalar(text("SELECT pg_backend_pid()")) or 0))
            await decide_approval(
                session,
                request_id=approval_id,
                approver=staff(),
                approve=True,
                reason="the bank says it never left",
                now=LATER,
            )

    sending = asyncio.create_task(worker_sends())
    await late.asked.wait()
    approving = asyncio.create_task(approver())
    while not (pid and await waits_for_a_lock(sessions, pid[0])):
        assert not approving.done(), approving.exception()
        await asyncio.sleep(0.05)  # the approval waits for the worker's row lock
    late.answer.set()
    await sending
    with pytest.raises(RefundNotStuck):
        await approving

    done = await stored(sessions, refund.id)
    assert (done.status, done.bank_payment_id) == ("completed", f"late-{refund.id}")
    assert await entry_legs(sessions, "refund_paid", str(refund.id)) != {}
    assert await entry_legs(sessions, "refund_reversal", str(refund.id)) == {}
    async with unit_of_work(sessions) as session:
        left = await session.get_one(ApprovalRequest, approval_id)
        assert left.status == "pending"  # nothing was decided; it is rejected by hand


async def test_the_approval_first_wins_and_the_banks_late_answer_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    refund, _, iban = await stuck_refund(sessions, 14_00)
    await approve(
        sessions, await ask(sessions, refund.id, Settlement.MARK_FAILED, staff()), staff()
    )

    # The worker's next round (the refund would be due again by now): it is not sent.
    now = LATER + timedelta(hours=2)
    for _ in range(50):
        if not await send_next_refund(sessions, payments=payments, policy=FAST, now=now):
            break
    assert await payments_to(client, iban) == []
    # The bank's statement booking it after all (were it paid): the failed refund stays failed.
    async with unit_of_work(sessions) as session:
        await confirm_refund_booked(session, end_to_end=refund.id.hex, now=now)
    assert (await stored(sessions, refund.id)).status == "failed"
    assert await entry_legs(sessions, "refund_paid", str(refund.id)) == {}
    async with unit_of_work(sessions) as session:
        reversals = await session.scalar(
            text(
                "SELECT count(*) FROM journal_entries "
                "WHERE kind = 'refund_reversal' AND reference = :r"
            ),
            {"r": str(refund.id)},
        )
    assert reversals == 1


async def test_the_routes_ask_a_second_person_and_refuse_a_refund_not_stuck(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    refund, _, _ = await stuck_refund(sessions, 6_00)
    alice = await _person(api, sessions, "treasurer")
    bob = await _person(api, sessions, "treasurer")
    reason = {"reason": "the bank confirmed the payment left on 3 December"}

    asked = await api.post(
        f"/v1/admin/refunds/{refund.id}/confirm-sent", json=reason, headers=alice
    )
    assert asked.status_code == 202, asked.text
    body = asked.json()
    assert (body["action"], body["settlement"], body["status"]) == (
        "banking.settle_refund",
        "confirm_sent",
        "pending",
    )
    own = await api.post(f"/v1/approvals/{body['approval_id']}/approve", json={}, headers=alice)
    assert own.status_code == 403, own.text
    assert own.json()["code"] == "four_eyes_violation"
    approved = await api.post(f"/v1/approvals/{body['approval_id']}/approve", json={}, headers=bob)
    assert approved.status_code == 200, approved.text
    listed = await api.get(f"/v1/admin/refunds?deposit_id={refund.deposit_id}", headers=bob)
    assert [r["status"] for r in listed.json()["data"]] == ["completed"]

    again = await api.post(f"/v1/admin/refunds/{refund.id}/mark-failed", json=reason, headers=bob)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "refund_not_stuck"
    customer = await _person(api, sessions, "customer")
    refused = await api.post(
        f"/v1/admin/refunds/{refund.id}/mark-failed", json=reason, headers=customer
    )
    assert refused.status_code == 403


async def _staff_member(sessions: async_sessionmaker[AsyncSession]) -> str:
    email = f"treasurer.{uuid.uuid4().hex}@example.com"
    async with unit_of_work(sessions) as session:
        await create_user(session, email=email, password=PASSWORD, full_name="T", role="treasurer")
    return email


async def test_the_command_line_asks_and_another_person_on_another_account_approves(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    refund, _, _ = await stuck_refund(sessions, 7_00)
    alice, bob = await _staff_member(sessions), await _staff_member(sessions)
    for name, value in infra.env().items():
        monkeypatch.setenv(name, value)
    operator = ["ops-a"]
    monkeypatch.setattr(getpass, "getuser", lambda: operator[0])

    async def onramp(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, app, ["bank", "refunds", *args])

    reason = ["--reason", "the bank's statement of 4 December shows it never left"]
    asked = await onramp(
        "settle", str(refund.id), "--settlement", "mark-failed", *reason, "--staff", alice
    )
    assert asked.exit_code == 0, asked.output
    approval_id = asked.stdout.split("approval ")[-1].strip()
    same_account = await onramp("approve", approval_id, "--staff", bob)
    assert same_account.exit_code == 1
    assert same_account.stderr.startswith("four_eyes_violation:")
    operator[0] = "ops-b"
    same_person = await onramp("approve", approval_id, "--staff", alice)
    assert same_person.stderr.startswith("four_eyes_violation:")
    nobody = await onramp("approve", approval_id, "--staff", "nobody@example.com")
    assert nobody.stderr.startswith("staff_member_not_found:")
    assert (await stored(sessions, refund.id)).status == "requested"

    approved = await onramp("approve", approval_id, "--staff", bob)

    assert approved.exit_code == 0, approved.output
    assert '"status": "failed"' in approved.stdout
    assert (await stored(sessions, refund.id)).status == "failed"
