"""Reverts are told apart: a cause in the payout fails it; the vault's or the token's state
delays it; an unknown reason delays too (recoverable), never fails."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode

from onramp.chain.artifacts import selector
from onramp.chain.errors import ExecutionReverted
from onramp.chain.paying.revert_reasons import Cause, classify_revert


def _custom(signature: str, types: list[str], *args: object) -> ExecutionReverted:
    data = "0x" + (selector(signature) + encode(types, list(args))).hex()
    return ExecutionReverted("execution reverted", data=data)


@pytest.mark.parametrize(
    ("error", "cause", "code"),
    [
        (_custom("BlacklistedAccount(address)", ["address"], "0x" + "11" * 20), Cause.ITEM,
         "recipient_blacklisted"),
        (_custom("PayoutAlreadyMade(bytes32)", ["bytes32"], b"\x01" * 32), Cause.PAID,
         "payout_already_made"),
        (_custom("EnforcedPause()", []), Cause.CONDITION, "paused"),
        (_custom("DailyLimitExceeded(uint256,uint256)", ["uint256", "uint256"], 5, 1),
         Cause.CONDITION, "vault_daily_cap"),
        (_custom("ERC20InsufficientBalance(address,uint256,uint256)",
                 ["address", "uint256", "uint256"], "0x" + "22" * 20, 1, 2),
         Cause.CONDITION, "vault_balance_low"),
        (_custom("AccessControlUnauthorizedAccount(address,bytes32)", ["address", "bytes32"],
                 "0x" + "33" * 20, b"\x00" * 32), Cause.CONDITION, "payout_role_missing"),
        # FiatToken v2 (mainnet USDC) reverts with strings.
        (ExecutionReverted("execution reverted: Blacklistable: account is blacklisted"),
         Cause.ITEM, "recipient_blacklisted"),
        (ExecutionReverted("execution reverted: Pausable: paused"), Cause.CONDITION,
         "token_paused"),
        (ExecutionReverted("execution reverted: ERC20: transfer amount exceeds balance"),
         Cause.CONDITION, "vault_balance_low"),
        (ExecutionReverted("execution reverted", data="0xdeadbeef"), Cause.CONDITION,
         "unknown_revert"),
        (ExecutionReverted("execution reverted", data="not hex"), Cause.CONDITION,
         "unknown_revert"),
    ],
)  # fmt: skip
def test_reverts_are_classified_by_their_cause(
    error: ExecutionReverted, cause: Cause, code: str
) -> None:
    found = classify_revert(error)
    assert (found.cause, found.code) == (cause, code)
