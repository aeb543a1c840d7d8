"""The money checker (issue 21): invariants that prove no money was lost or paid twice."""

from onramp.runtime.checks.chain_view import ChainView, ChainWatch, read_chain_view
from onramp.runtime.checks.money import (
    chain_watch,
    check_money,
    check_session,
    check_stack,
    wallet_addresses,
)
from onramp.runtime.checks.results import InvariantResult, Scope

__all__ = [
    "ChainView",
    "ChainWatch",
    "InvariantResult",
    "Scope",
    "chain_watch",
    "check_money",
    "check_session",
    "check_stack",
    "read_chain_view",
    "wallet_addresses",
]
