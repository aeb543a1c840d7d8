"""The bank's charges: a debit line whose bank transaction code says it is one (camt ``BkTxCd``
sub-family ``CHRG``, ``FEES`` or ``COMM``, e.g. ``ACMT/MDOP/CHRG``; MT940 ``NCHG``/``FCHG``)
and that pays no refund of ours is matched to the ``bank_fee`` entry booking it (reference
``<bank>:<booking key>``: the bank account credited, an expense debited), else it is a
``bank_fee_unbooked`` break. One query for the day's charges (``recon.bank.bank_postings``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import BankStatementLine
from onramp.core.money import Money
from onramp.ledger import (
    EntryDraft,
    bank_account,
    credit,
    debit,
    entry,
    expense_account,
)
from onramp.recon.bank import Matched, bank_postings
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType

BANK_FEE = "bank_fee"  # the entry kind that books a charge the bank took
CHARGES = frozenset({"CHRG", "FEES", "COMM", "NCHG", "FCHG"})


def is_charge(code: str | None) -> bool:
    return bool(code) and str(code).rsplit("/", 1)[-1].upper() in CHARGES


def fee_reference(bank: str, entry_key: str) -> str:
    return f"{bank}:{entry_key}"[:100]


def bank_fee_entry(bank: str, entry_key: str, amount: Money) -> EntryDraft:
    """The entry that books the charge of one line: the bank's account pays it, an expense."""
    return entry(
        BANK_FEE,
        fee_reference(bank, entry_key),
        debit(expense_account("bank_fees", amount.currency), amount),
        credit(bank_account(bank, amount.currency), amount),
    )


async def reconcile_fees(
    session: AsyncSession, lines: Sequence[BankStatementLine], matched: Matched
) -> list[Finding]:
    """The charges among ``lines``, each matched (counted in ``matched``) or a break."""
    references = [fee_reference(x.bank, x.entry_key) for x in lines]
    postings = await bank_postings(session, BANK_FEE, references)
    findings = []
    for line in lines:
        amount, currency = int(line.amount), line.currency
        posted = postings.get(fee_reference(line.bank, line.entry_key))
        if posted is None:
            findings.append(
                Finding(BreakType.BANK_FEE_UNBOOKED, BreakSource.BANK, line.bank, line.entry_key,
                        amount, currency,
                        f"a charge the bank took ({line.bank_tx_code}) that no {BANK_FEE} entry "
                        "books")
            )  # fmt: skip
        elif -posted != amount:
            findings.append(
                Finding(BreakType.AMOUNT_MISMATCH, BreakSource.BANK, line.bank, line.entry_key,
                        amount + posted, currency,
                        f"the bank charged {amount} {currency}, its {BANK_FEE} entry took "
                        f"{-posted} off the bank account (minor units)")
            )  # fmt: skip
        else:
            matched.lines += 1
            matched.amounts[currency] += amount
    return findings
