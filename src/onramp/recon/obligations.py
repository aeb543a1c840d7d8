"""What the operator owes its customers, by the books and by the money path's own tables.

The books: every ``customer:<id>:<ccy>`` and ``suspense:<ccy>`` account (liabilities, so what is
owed is minus their balance). The tables, account by account, whatever the currency:

- a deposit booked to a customer (``matched``) or to suspense (``unmatched``) adds its amount;
- an order priced and not unpriced (``priced`` … ``completed``, ``failed``, a priced one held in
  ``manual_review``) takes its ``source_amount`` off the customer's fiat;
- an order priced and not yet paid out adds its ``target_amount`` to the customer's USDC: the
  payouts queued (``priced``, ``payout_queued``, a failed one waiting for a retry, a held one)
  plus those in flight (``payout_broadcast``); the payout's entry takes it off when it confirms;
- a refund not given up (``requested``, ``sent``, ``completed``) takes its amount off the
  account it was paid from (its ``holding_account``).

So USDC owed and not delivered must equal the payouts queued and in flight, and the customers'
fiat (with suspense) the deposits not yet priced, refunded or still unattributed.

**A snapshot, and global.** Both sides are read in one statement (one snapshot), at the time of
the run: the order's move and its entry commit together, so a correct money path never differs,
however busy. The figures are what is owed now, not at the end of the run's day (orders move on;
their history is not kept per account). A customer's difference and another's can cancel out in
a currency's total (a posting to the wrong customer): a break is reported when the totals differ
**or** any account differs, with the accounts that differ most. One break per class (customer,
suspense) and currency, keyed without the day: the same break while it lasts, cleared by the
first run that no longer finds it. ``customers`` scopes the check to some customers' accounts
(suspense is then left out: it is no one's); production runs it for everyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, case, cast, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import Deposit, DepositStatus, Refund, RefundStatus
from onramp.ledger import LedgerAccount
from onramp.orders import Order, OrderState
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType

S = OrderState
# Priced and not unpriced: its conversion entry stands.
PRICED = (S.PRICED, S.PAYOUT_QUEUED, S.PAYOUT_BROADCAST, S.COMPLETED, S.FAILED, S.MANUAL_REVIEW)
IN_FLIGHT = (S.PAYOUT_BROADCAST,)
QUEUED = (S.PRICED, S.PAYOUT_QUEUED, S.FAILED, S.MANUAL_REVIEW)
SHOWN = 5  # accounts named in a break's detail, the largest differences first


@dataclass
class Obligation:
    books: int = 0  # what the ledger says is owed (minor units)
    tables: int = 0  # what the deposits, orders and refunds say
    accounts_off: int = 0
    queued: int = 0  # of ``tables``: the payouts queued (a target currency) …
    in_flight: int = 0  # … and in flight

    def as_dict(self) -> dict[str, int]:
        return {"books": self.books, "tables": self.tables, "accounts_off": self.accounts_off,
                "payouts_queued": self.queued, "payouts_in_flight": self.in_flight}  # fmt: skip


@dataclass
class ObligationsMatched:
    # "customer:EUR", "customer:USDC", "suspense:EUR" … each agreeing or not.
    held: dict[str, Obligation] = field(default_factory=dict)

    @property
    def agreeing(self) -> int:
        return sum(o.books == o.tables and not o.accounts_off for o in self.held.values())

    def as_dict(self) -> dict[str, Any]:
        return {"agree": self.agreeing, "by_account_class": {
            k: o.as_dict() for k, o in sorted(self.held.items())}}  # fmt: skip


def _customer(customer_id: Any, currency: Any) -> Any:
    return func.concat("customer:", cast(customer_id, String), ":", currency)


def _terms(customers: Collection[uuid.UUID] | None) -> Any:
    """(account code, currency, owed, payout stage) of every row that says something is owed."""
    matched = Deposit.status == DepositStatus.MATCHED.value
    priced = Order.target_amount.is_not(None) & Order.state.in_([s.value for s in PRICED])
    unpaid = Order.target_amount.is_not(None) & Order.state.in_([s.value for s in QUEUED
                                                                  + IN_FLIGHT])  # fmt: skip
    stage = case((Order.state.in_([s.value for s in IN_FLIGHT]), "in_flight"), else_="queued")
    none = literal("", String)
    held = Deposit.status.in_([DepositStatus.MATCHED.value, DepositStatus.UNMATCHED.value])
    deposits = select(
        case((matched, _customer(Deposit.customer_id, Deposit.currency)),
             else_=func.concat("suspense:", Deposit.currency)).label("code"),
        Deposit.currency, Deposit.amount.label("owed"), none.label("stage"),
    ).where(held)  # fmt: skip
    conversions = select(
        _customer(Order.customer_id, Order.source_currency), Order.source_currency,
        -Order.source_amount, none,
    ).where(priced)  # fmt: skip
    payouts = select(
        _customer(Order.customer_id, Order.target_currency), Order.target_currency,
        Order.target_amount, stage,
    ).where(unpaid)  # fmt: skip
    refunds = select(Refund.holding_account, Refund.currency, -Refund.amount, none).where(
        Refund.status != RefundStatus.FAILED.value
    )
    if customers is not None:
        ids = sorted(customers)
        deposits = deposits.where(matched, Deposit.customer_id.in_(ids))
        conversions = conversions.where(Order.customer_id.in_(ids))
        payouts = payouts.where(Order.customer_id.in_(ids))
        refunds = refunds.where(_of_customers(Refund.holding_account, ids))
    return union_all(deposits, conversions, payouts, refunds).subquery("terms")


def _of_customers(code: Any, ids: Collection[uuid.UUID]) -> Any:
    """An account code of one of these customers' accounts (any currency)."""
    return or_(*[code.startswith(f"customer:{i}:") for i in sorted(ids)])


def _statement(customers: Collection[uuid.UUID] | None) -> Any:
    terms = _terms(customers)
    tables = (
        select(
            terms.c.code, terms.c.currency, func.sum(terms.c.owed).label("owed"),
            func.sum(case((terms.c.stage == "queued", terms.c.owed), else_=0)).label("queued"),
            func.sum(case((terms.c.stage == "in_flight", terms.c.owed), else_=0)).label("flight"),
        ).group_by(terms.c.code, terms.c.currency).subquery("tables")
    )  # fmt: skip
    ours = or_(
        LedgerAccount.code.startswith("customer:"), LedgerAccount.code.startswith("suspense:")
    )
    if customers is not None:
        ours = _of_customers(LedgerAccount.code, customers)
    books = (
        select(LedgerAccount.code, LedgerAccount.currency, (-LedgerAccount.balance).label("owed"))
        .where(ours)
        .subquery("books")
    )
    code = func.coalesce(books.c.code, tables.c.code)
    joined = (
        select(
            func.split_part(code, ":", 1).label("cls"),
            func.coalesce(books.c.currency, tables.c.currency).label("currency"),
            code.label("code"),
            func.coalesce(books.c.owed, 0).label("books"),
            func.coalesce(tables.c.owed, 0).label("tables"),
            func.coalesce(tables.c.queued, 0).label("queued"),
            func.coalesce(tables.c.flight, 0).label("flight"),
        )
        .select_from(books.join(tables, books.c.code == tables.c.code, full=True))
        .subquery("joined")
    )
    j = joined.c
    diff = j.books - j.tables
    off = diff != 0
    largest = type_coerce(
        func.array_agg(
            aggregate_order_by(func.concat(j.code, " ", diff), func.abs(diff).desc())
        ).filter(off),
        ARRAY(String),
    )
    return (
        select(
            j.cls, j.currency, func.sum(j.books), func.sum(j.tables), func.sum(j.queued),
            func.sum(j.flight), func.count().filter(off), largest[1:SHOWN],
        )
        .group_by(j.cls, j.currency)
        .order_by(j.cls, j.currency)
    )  # fmt: skip


async def reconcile_obligations(
    session: AsyncSession, *, customers: Collection[uuid.UUID] | None = None
) -> tuple[ObligationsMatched, list[Finding]]:
    matched, findings = ObligationsMatched(), list[Finding]()
    if customers is not None and not customers:
        return matched, findings
    rows = await session.execute(_statement(customers))
    for cls, currency, books, tables, queued, flight, off, largest in rows:
        held = Obligation(int(books), int(tables), int(off), int(queued), int(flight))
        matched.held[f"{cls}:{currency}"] = held
        if held.books == held.tables and not held.accounts_off:
            continue
        findings.append(
            Finding(BreakType.OBLIGATION_MISMATCH, BreakSource.LEDGER, "",
                    f"obligations:{cls}:{currency}", held.books - held.tables, currency,
                    f"the books owe {held.books} on {cls}:*:{currency}, the deposits, orders "
                    f"and refunds {held.tables} (payouts queued {held.queued}, in flight "
                    f"{held.in_flight}; minor units); {held.accounts_off} account(s) differ: "
                    f"{'; '.join(largest or [])}")
        )  # fmt: skip
    return matched, findings
