"""What a customer is told about their order, by email, as it moves: where to pay, money
received, USDC sent (with the transaction), completed, held for a review (never why), refunded,
failed.

A durable consumer of the orders' own state events (``customer_emails``, run by the mailer
worker): each event is handled once (the consumer's inbox makes a redelivered one a no-op) and
its email queued in the same transaction, so a crash neither loses nor doubles it. One query for
the batch's orders and two for its recipients; customers who turned email off get none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import TreasuryAccount
from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent
from onramp.core.money import Money
from onramp.core.settings import BankingSettings, Settings
from onramp.identity import Recipient, email_recipients
from onramp.notifications import enqueue_email
from onramp.orders.events import order_subject
from onramp.orders.models import Order
from onramp.orders.placement.placing import instructions_for
from onramp.orders.states import OrderState

TEMPLATES = {
    OrderState.AWAITING_FUNDS: "order_deposit_instructions",
    OrderState.FUNDS_RECEIVED: "order_funds_received",
    OrderState.PAYOUT_BROADCAST: "order_usdc_sent",
    OrderState.COMPLETED: "order_completed",
    OrderState.MANUAL_REVIEW: "order_held",
    OrderState.REFUNDED: "order_refunded",
    OrderState.FAILED: "order_failed",
}


@dataclass(frozen=True)
class OrderEmails:
    banking: BankingSettings  # where customers pay: the treasury account of the currency

    async def handle(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        told = [(e, OrderState(e.data["state"])) for e in events if _state(e) in TEMPLATES]
        if not told:
            return
        ids = {uuid.UUID(e.data["order_id"]) for e, _ in told}
        orders = {o.id: o for o in await session.scalars(select(Order).where(Order.id.in_(ids)))}
        recipients = await email_recipients(session, {o.customer_id for o in orders.values()})
        now = utcnow()
        for event, state in told:
            order = orders.get(uuid.UUID(event.data["order_id"]))
            to = recipients.get(order.customer_id) if order is not None else None
            if order is None or to is None:
                continue
            await enqueue_email(
                session,
                to=to.email,
                template=TEMPLATES[state],
                params=self._params(order, to, event),
                now=now,
                user_id=to.user_id,
                language=to.language,
            )

    def _params(self, order: Order, to: Recipient, event: CloudEvent) -> dict[str, str]:
        usdc = order.target_amount or order.quoted_target_amount or 0
        pay = instructions_for(order, settings=self.banking)
        return {
            "name": to.name,
            "order": str(order.id)[:8],
            "amount": f"{pay.amount} {pay.amount.currency}",
            "usdc": str(Money(int(usdc), "USDC")),
            "address": order.destination_address,
            "reference": pay.reference,
            "tx_hash": str(event.data.get("tx_hash", "")),
            "holder": pay.account.account_name,
            "pay_to": _pay_to(pay.account),
        }


def _pay_to(account: TreasuryAccount) -> str:
    if account.scheme == "iban":
        return f"  IBAN: {account.iban}\n  BIC: {account.bic or ''}\n"
    return (
        f"  Routing number (ABA): {account.routing_number}\n"
        f"  Account number: {account.account_number}\n"
    )


def _state(event: CloudEvent) -> OrderState | None:
    try:
        return OrderState(event.data.get("state", ""))
    except ValueError:
        return None


def order_emails_consumer(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Consumer:
    emails = OrderEmails(settings.banking)
    subjects = tuple(order_subject(state.value) for state in TEMPLATES)
    return Consumer("customer_emails", subjects, emails.handle)
