from __future__ import annotations

from onramp.core.errors import InvalidInput, InvariantViolated, NotFound


class UnbalancedEntry(InvariantViolated):
    code = "ledger_entry_unbalanced"
    title = "Journal entry does not balance per currency"


class InvalidAccountCode(InvalidInput):
    code = "ledger_account_code_invalid"
    title = "Invalid ledger account code"


class AccountNotFound(NotFound):
    code = "ledger_account_not_found"
    title = "Ledger account not found"
