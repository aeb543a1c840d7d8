"""The books' invariants, from the ledger's own trial balance (two queries) and one query for
customers' balances."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger import TrialBalance
from onramp.runtime.checks.results import EXAMPLES, InvariantResult, result


def trial_balance_zero(tb: TrialBalance) -> InvariantResult:
    """Per currency, the debits of every posting equal its credits."""
    off = [f"{t.currency} net {t.net}" for t in tb.totals if not t.net.is_zero()]
    currencies = ", ".join(t.currency for t in tb.totals) or "no postings"
    return result(
        "trial_balance_zero", off, len(off), f"debits = credits in {currencies}",
        "{count} currencies do not balance",
    )  # fmt: skip


def balances_match_postings(tb: TrialBalance) -> InvariantResult:
    """Each account's stored balance equals the sum of its postings (rebuilt from scratch)."""
    return result(
        "balances_match_postings", tb.drifted, len(tb.drifted),
        f"{len(tb.accounts)} accounts rebuilt from their postings",
        "{count} stored balances differ from their postings",
    )  # fmt: skip


async def no_negative_customer_balance(session: AsyncSession) -> InvariantResult:
    """No customer owes money: a customer account is a liability, credit-normal (its stored
    balance is negative or zero; a positive one is a debit, money paid out that was never in)."""
    rows = (
        await session.execute(
            text(
                "SELECT code, balance, count(*) OVER () AS n FROM ledger_accounts "
                "WHERE code LIKE 'customer:%' AND balance > 0 ORDER BY code LIMIT :k"
            ),
            {"k": EXAMPLES},
        )
    ).all()
    return result(
        "no_negative_customer_balance", [f"{r.code} owes {r.balance}" for r in rows],
        int(rows[0].n) if rows else 0, "no customer account below zero",
        "{count} customer accounts below zero",
    )  # fmt: skip
