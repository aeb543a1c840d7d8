"""Matching beyond the exact reference: typos, standing references, the sender's verified
account, and the operator's rules for amounts that differ or arrive late."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import DEPOSIT_MATCHED, expire_expectations, standing_references
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.errors import DepositNotInSuspense, OrderNotAwaitingFunds
from onramp.banking.models import BankAccountStatus, CustomerBankAccount
from onramp.banking.references.creditor_reference import format_creditor_reference
from onramp.banking.refund_models import Refund
from onramp.banking.suspense_queue import service as suspense
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.ledger import balance_of, customer_account
from tests.integration.banking.deposits import (
    assert_in_suspense,
    bank_credit,
    booking,
    deposit,
    eur,
    events_about,
    expect,
    expectation,
    receive,
    suspense_balance,
)

pytestmark = pytest.mark.integration


async def refunds_of(session: AsyncSession, deposit_id: uuid.UUID) -> list[Refund]:
    rows = await session.scalars(select(Refund).where(Refund.deposit_id == deposit_id))
    return list(rows)


HOLD_ALL = PaymentRules("hold", "hold", "hold")


async def test_a_typo_in_the_reference_still_matches_its_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(80_00))
    ref = format_creditor_reference(expected.reference)
    i = next(i for i, c in enumerate(ref) if i > 5 and c.isdigit())
    typo = ref[:i] + ("3" if ref[i] != "3" else "4") + ref[i + 1 :]

    d = await receive(sessions, bank_credit(eur(80_00), f"order {typo.lower()} thanks"))

    assert (d.status, d.order_id, d.match_method) == (
        "matched",
        expected.order_id,
        "reference_corrected",
    )
    assert (await expectation(sessions, expected.reference)).status == "fulfilled"


async def test_a_wrong_reference_goes_to_suspense(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await expect(sessions, eur(80_00))
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(80_00), "RF12 3456 7890 1234 5678 9012 3"))

    await assert_in_suspense(sessions, d, "unknown_reference", before)


async def test_underpayment_priced_as_received_by_default(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(100_00))

    d = await receive(sessions, bank_credit(eur(75_00), expected.reference))

    assert (d.status, d.order_id) == ("matched", expected.order_id)
    (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
    assert (announced["amount"], announced["rule"]) == ("75.00", "underpayment")


async def test_overpayment_funds_the_order_with_what_it_asked_for(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(100_00))

    d = await receive(sessions, bank_credit(eur(120_00), expected.reference))

    # All of it is the customer's; the order is funded with 100.00 and 20.00 is refundable.
    liability = customer_account(expected.customer_id, "EUR")
    assert (await booking(sessions, d.id))[liability] == -120_00
    (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
    assert (announced["amount"], announced["received"], announced["rule"]) == (
        "100.00",
        "120.00",
        "overpayment",
    )
    async with unit_of_work(sessions) as session:
        (refund,) = await refunds_of(session, d.id)
        assert (refund.amount, refund.reason, refund.order_id) == (
            20_00,
            "excess",
            expected.order_id,
        )
        # The excess left the customer's account for the refund in transit.
        assert await balance_of(session, liability) == eur(-100_00)


async def test_overpayment_held_when_the_operator_says_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(100_00))
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(120_00), expected.reference), rules=HOLD_ALL)

    await assert_in_suspense(sessions, d, "overpayment", before, expected.order_id)


async def test_late_payment_held_with_the_expired_order_suggested(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(50_00))
    async with unit_of_work(sessions) as session:
        assert await expire_expectations(session, order_ids=[expected.order_id]) == [
            expected.order_id
        ]
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(50_00), expected.reference), rules=HOLD_ALL)

    await assert_in_suspense(sessions, d, "late_payment", before, expected.order_id)
    assert (await expectation(sessions, expected.reference)).status == "expired"


async def test_late_payment_goes_back_to_its_sender_by_default(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(50_00))
    async with unit_of_work(sessions) as session:
        await expire_expectations(session, order_ids=[expected.order_id])

    d = await receive(sessions, bank_credit(eur(50_00), expected.reference))

    assert (d.status, d.customer_id, d.order_id, d.suggested_order_id) == (
        "matched",
        expected.customer_id,
        None,
        expected.order_id,
    )
    assert await events_about(sessions, DEPOSIT_MATCHED, d.id) == []  # no order to fund
    async with unit_of_work(sessions) as session:
        (refund,) = await refunds_of(session, d.id)
        assert (refund.amount, refund.reason) == (50_00, "late_payment")
        liability = customer_account(expected.customer_id, "EUR")
        assert await balance_of(session, liability) == eur(0)


async def test_late_payment_priced_as_received_asks_for_a_new_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(50_00))
    async with unit_of_work(sessions) as session:
        await expire_expectations(session, order_ids=[expected.order_id])

    d = await receive(
        sessions,
        bank_credit(eur(50_00), expected.reference),
        rules=PaymentRules(late_payment="price_received"),
    )

    assert (d.status, d.order_id, d.customer_id) == ("matched", None, expected.customer_id)
    (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
    assert announced["order_id"] is None
    assert announced["auto_order"] == {
        "origin": "late_payment",
        "replaces": str(expected.order_id),
    }


async def test_a_paid_order_does_not_expire(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(10_00))
    await receive(sessions, bank_credit(eur(10_00), expected.reference))

    async with unit_of_work(sessions) as session:
        assert await expire_expectations(session, order_ids=[expected.order_id]) == []


async def _verified_account(
    sessions: async_sessionmaker[AsyncSession], customer_id: uuid.UUID, iban: str
) -> None:
    async with unit_of_work(sessions) as session:
        account = CustomerBankAccount(
            id=uuid7(),
            customer_id=customer_id,
            scheme="iban",
            country=iban[:2],
            currency="EUR",
            bank_code=None,
            last4=iban[-4:],
            status=BankAccountStatus.VERIFIED.value,
            created_at=datetime.now(UTC),
        )
        account.holder_name = "Ada Lovelace"
        account.account_number = iban
        session.add(account)


async def test_no_reference_from_a_verified_account_for_the_amount_due_matches(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    iban = f"DE{uuid7().int % 10**20:020d}"
    expected = await expect(sessions, eur(333_33))
    await _verified_account(sessions, expected.customer_id, iban)

    d = await receive(sessions, bank_credit(eur(333_33), "savings", sender_iban=iban))

    assert (d.status, d.order_id, d.match_method) == (
        "matched",
        expected.order_id,
        "sender_account",
    )


async def test_a_verified_account_sending_another_amount_is_held(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    iban = f"DE{uuid7().int % 10**20:020d}"
    expected = await expect(sessions, eur(333_33))
    await _verified_account(sessions, expected.customer_id, iban)
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(333_00), "savings", sender_iban=iban))

    await assert_in_suspense(sessions, d, "unknown_reference", before)


async def test_a_standing_reference_books_the_customer_and_asks_for_an_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer_id = uuid7()
    destination = "0x" + "ab" * 20
    async with unit_of_work(sessions) as session:
        standing = await standing_references.create(
            session, customer_id=customer_id, destination=destination, now=datetime.now(UTC)
        )
        again = await standing_references.create(
            session, customer_id=customer_id, destination="0x" + "cd" * 20, now=datetime.now(UTC)
        )
        assert again.creditor_reference == standing.creditor_reference
    ref = standing.creditor_reference

    first = await receive(sessions, bank_credit(eur(25_00), format_creditor_reference(ref)))
    second = await receive(sessions, bank_credit(eur(40_00), ref.lower()))

    for d in (first, second):
        assert (d.status, d.customer_id, d.match_method) == (
            "matched",
            customer_id,
            "standing_reference",
        )
        (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
        assert announced["auto_order"] == {
            "origin": "standing_reference",
            "destination": destination,
        }
    async with unit_of_work(sessions) as session:
        assert await balance_of(session, customer_account(customer_id, "EUR")) == eur(-65_00)

    async with unit_of_work(sessions) as session:
        await standing_references.revoke(session, customer_id=customer_id, now=datetime.now(UTC))
    before = await suspense_balance(sessions)
    late = await receive(sessions, bank_credit(eur(5_00), ref))
    await assert_in_suspense(sessions, late, "standing_reference_revoked", before)


async def test_an_operator_assigns_a_suspense_deposit_to_its_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(60_00))
    d = await receive(sessions, bank_credit(eur(60_00), "for my order, sorry no ref"))
    assert d.status == "unmatched"
    before = await suspense_balance(sessions)

    async with unit_of_work(sessions) as session:
        await suspense.assign_to_order(
            session,
            deposit_id=d.id,
            order_id=expected.order_id,
            actor="user:treasurer",
            note="customer called",
            now=datetime.now(UTC),
        )

    after = await deposit(sessions, d.id)
    assert (after.status, after.order_id, after.match_method, after.resolved_by) == (
        "matched",
        expected.order_id,
        "operator",
        "user:treasurer",
    )
    assert await suspense_balance(sessions) == before + eur(60_00)
    assert (await expectation(sessions, expected.reference)).status == "fulfilled"
    (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
    assert announced["order_id"] == str(expected.order_id)
    # Once out of suspense it cannot be assigned again; a funded order takes no more.
    async with unit_of_work(sessions) as session:
        with pytest.raises(DepositNotInSuspense):
            await suspense.assign_to_order(
                session,
                deposit_id=d.id,
                order_id=expected.order_id,
                actor="user:treasurer",
                note="again",
                now=datetime.now(UTC),
            )
    other = await receive(sessions, bank_credit(eur(60_00), "no ref either"))
    async with unit_of_work(sessions) as session:
        with pytest.raises(OrderNotAwaitingFunds):
            await suspense.assign_to_order(
                session,
                deposit_id=other.id,
                order_id=expected.order_id,
                actor="user:treasurer",
                note="wrong order",
                now=datetime.now(UTC),
            )
    # Refused: nothing changed.
    assert (await deposit(sessions, other.id)).status == "unmatched"
