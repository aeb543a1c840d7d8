"""Double-entry ledger: accounts, journal entries, postings, balances, the trial balance."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
from onramp.ledger.accounts import (
    bank_account,
    chain_account,
    customer_account,
    expense_account,
    fees_account,
    fx_account,
    parse_account_code,
    rounding_account,
    spread_account,
    suspense_account,
    transit_account,
)
from onramp.ledger.errors import AccountNotFound, InvalidAccountCode, UnbalancedEntry
from onramp.ledger.movements import AccountMovement, movements
from onramp.ledger.service import (
    EntryDraft,
    Leg,
    balance_of,
    balances_of_class,
    credit,
    debit,
    entry,
    post_entries,
    post_entry,
)
from onramp.ledger.trial_balance import (
    AccountBalance,
    CurrencyTotals,
    TrialBalance,
    trial_balance,
    trial_balance_of_database,
)

if TYPE_CHECKING:
    from onramp.ledger.journal import entries_about as entries_about
    from onramp.ledger.models import JournalEntry as JournalEntry
    from onramp.ledger.models import LedgerAccount as LedgerAccount
    from onramp.ledger.models import Posting as Posting

_LAZY = {
    "JournalEntry": ("onramp.ledger.models", "JournalEntry"),
    "LedgerAccount": ("onramp.ledger.models", "LedgerAccount"),
    "Posting": ("onramp.ledger.models", "Posting"),
    "entries_about": ("onramp.ledger.journal", "entries_about"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "AccountBalance",
    "AccountMovement",
    "AccountNotFound",
    "CurrencyTotals",
    "EntryDraft",
    "InvalidAccountCode",
    "JournalEntry",
    "LedgerAccount",
    "Leg",
    "Posting",
    "TrialBalance",
    "UnbalancedEntry",
    "balance_of",
    "balances_of_class",
    "bank_account",
    "chain_account",
    "credit",
    "customer_account",
    "debit",
    "entries_about",
    "entry",
    "expense_account",
    "fees_account",
    "fx_account",
    "movements",
    "parse_account_code",
    "post_entries",
    "post_entry",
    "rounding_account",
    "spread_account",
    "suspense_account",
    "transit_account",
    "trial_balance",
    "trial_balance_of_database",
]
