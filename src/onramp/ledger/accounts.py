"""The chart of accounts: codes like ``bank:sandbox:EUR``, ``customer:<id>:USDC``.

- assets ``bank:<bank>:<ccy>``, ``chain:<wallet>:USDC``
- liabilities ``customer:<id>:<ccy>``, ``suspense:<ccy>``, money on its way out
  ``transit:<purpose>:<ccy>`` (e.g. ``transit:refunds:EUR``: refunds owed to their senders,
  asked of the bank but not yet booked by it)
- revenue ``fees:<ccy>`` (fees charged), ``spread:<ccy>`` (the customer rate's margin over the
  mid rate), ``rounding:<ccy>`` (what rounding the customer's USDC down left over, under one minor
  unit a conversion: kept apart so the ledger balances to the minor unit and the residue shows)
- expenses ``expense:<purpose>:<ccy>`` (e.g. ``expense:micro_deposits:EUR``)
- FX position ``fx:<ccy>``
"""

from __future__ import annotations

import re
import uuid

from onramp.core.money import currency as lookup_currency
from onramp.ledger.errors import InvalidAccountCode
from onramp.ledger.models import AccountKind

_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
_KIND_BY_PREFIX = {
    "bank": (AccountKind.ASSET, 3),
    "chain": (AccountKind.ASSET, 3),
    "customer": (AccountKind.LIABILITY, 3),
    "suspense": (AccountKind.LIABILITY, 2),
    "transit": (AccountKind.LIABILITY, 3),
    "fees": (AccountKind.REVENUE, 2),
    "spread": (AccountKind.REVENUE, 2),
    "rounding": (AccountKind.REVENUE, 2),
    "fx": (AccountKind.FX_POSITION, 2),
    "expense": (AccountKind.EXPENSE, 3),
}


def parse_account_code(code: str) -> tuple[AccountKind, str]:
    """The kind and currency of an account code; raises ``InvalidAccountCode``."""
    parts = code.split(":")
    prefix = parts[0]
    if prefix not in _KIND_BY_PREFIX:
        raise InvalidAccountCode(f"unknown account class in {code!r}")
    kind, length = _KIND_BY_PREFIX[prefix]
    if len(parts) != length or not all(_SEGMENT.fullmatch(p) for p in parts[1:-1]):
        raise InvalidAccountCode(f"malformed account code {code!r}")
    currency = parts[-1]
    lookup_currency(currency)
    return kind, currency


def bank_account(bank: str, currency: str) -> str:
    return f"bank:{bank}:{currency}"


def chain_account(wallet: str, currency: str = "USDC") -> str:
    return f"chain:{wallet}:{currency}"


def customer_account(customer_id: uuid.UUID, currency: str) -> str:
    return f"customer:{customer_id}:{currency}"


def suspense_account(currency: str) -> str:
    return f"suspense:{currency}"


def fees_account(currency: str) -> str:
    return f"fees:{currency}"


def spread_account(currency: str) -> str:
    return f"spread:{currency}"


def rounding_account(currency: str) -> str:
    return f"rounding:{currency}"


def fx_account(currency: str) -> str:
    return f"fx:{currency}"


def expense_account(purpose: str, currency: str) -> str:
    return f"expense:{purpose}:{currency}"


def transit_account(purpose: str, currency: str) -> str:
    return f"transit:{purpose}:{currency}"
