"""Why a payout call reverts: because of one payout (its recipient, its order id, its amount)
or because of the vault or the token (paused, a cap used up, too little USDC, a role missing).

Only a cause in the payout itself may fail it; a condition of the vault or the token delays the
payouts until it passes. An unknown reason is treated as a condition: delaying is recoverable,
failing a payout is not. Errors are recognised by their selector (custom errors of our
contracts, OpenZeppelin 5 and TestUSDC) and by the revert strings of FiatToken v2 (mainnet
USDC), which reverts with ``Error(string)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onramp.chain.artifacts import selector
from onramp.chain.errors import ExecutionReverted


class Cause(StrEnum):
    ITEM = "item"  # this payout can never go out as it is: it fails
    PAID = "paid"  # the vault says this order id was paid already: a person looks
    CONDITION = "condition"  # the vault or token refuses for now: the payouts wait


@dataclass(frozen=True)
class Revert:
    cause: Cause
    code: str
    detail: str


_BY_SELECTOR: dict[bytes, tuple[Cause, str]] = {
    selector("PayoutAlreadyMade(bytes32)"): (Cause.PAID, "payout_already_made"),
    selector("BlacklistedAccount(address)"): (Cause.ITEM, "recipient_blacklisted"),
    selector("DestinationNotAllowed(address)"): (Cause.ITEM, "destination_not_allowed"),
    selector("ZeroAddress()"): (Cause.ITEM, "zero_address"),
    selector("ZeroAmount()"): (Cause.ITEM, "zero_amount"),
    selector("EnforcedPause()"): (Cause.CONDITION, "paused"),
    selector("PayoutTooLarge(uint256,uint256)"): (Cause.CONDITION, "vault_per_payout_cap"),
    selector("DailyLimitExceeded(uint256,uint256)"): (Cause.CONDITION, "vault_daily_cap"),
    selector("ERC20InsufficientBalance(address,uint256,uint256)"): (
        Cause.CONDITION,
        "vault_balance_low",
    ),
    selector("AccessControlUnauthorizedAccount(address,bytes32)"): (
        Cause.CONDITION,
        "payout_role_missing",
    ),
}
# FiatToken v2.x revert strings (lower-cased substrings of the message).
_BY_TEXT: tuple[tuple[str, Cause, str], ...] = (
    ("blacklisted", Cause.ITEM, "recipient_blacklisted"),
    ("pausable: paused", Cause.CONDITION, "token_paused"),
    ("transfer amount exceeds balance", Cause.CONDITION, "vault_balance_low"),
)


def _data(exc: ExecutionReverted) -> bytes:
    raw = exc.extra.get("data")
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        try:
            return bytes.fromhex(raw.removeprefix("0x"))
        except ValueError:
            return b""
    return b""


def classify_revert(exc: ExecutionReverted) -> Revert:
    data = _data(exc)
    known = _BY_SELECTOR.get(data[:4]) if len(data) >= 4 else None
    if known is not None:
        return Revert(known[0], known[1], exc.detail)
    lowered = exc.detail.lower()
    for needle, cause, code in _BY_TEXT:
        if needle in lowered:
            return Revert(cause, code, exc.detail)
    return Revert(Cause.CONDITION, "unknown_revert", exc.detail)
