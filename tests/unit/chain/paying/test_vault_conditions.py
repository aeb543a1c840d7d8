"""What the vault allows decides which payouts of a batch go now; the rest wait, in order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from onramp.chain.paying.vault_conditions import VaultConditions, admit


@dataclass(frozen=True)
class P:
    order_id: uuid.UUID
    amount: int


def _conditions(**over: object) -> VaultConditions:
    base: dict[str, object] = {
        "vault_paused": False,
        "token_paused": False,
        "max_per_payout": 100,
        "remaining_24h": 1_000,
        "balance": 1_000,
    }
    return VaultConditions(**(base | over))  # type: ignore[arg-type]


def _batch(*amounts: int) -> list[P]:
    return [P(uuid.uuid4(), a) for a in amounts]


def test_a_paused_vault_or_token_admits_nothing() -> None:
    items = _batch(10, 20)
    for flag, reason in (("vault_paused", "vault_paused"), ("token_paused", "token_paused")):
        out = admit(_conditions(**{flag: True}), items)
        assert (out.admitted, out.over_cap, out.waiting) == ([], [], reason)


def test_payouts_fit_in_order_and_the_rest_waits_for_the_cap() -> None:
    items = _batch(60, 50, 10)
    out = admit(_conditions(remaining_24h=100), items)
    # First in, first out: the third would fit but does not overtake the second.
    assert out.admitted == [items[0].order_id]
    assert out.waiting == "vault_daily_cap"


def test_a_short_balance_is_told_apart_from_the_cap() -> None:
    out = admit(_conditions(balance=30), _batch(40))
    assert (out.admitted, out.waiting) == ([], "vault_balance_low")


def test_above_the_per_payout_cap_is_set_aside_and_the_rest_goes() -> None:
    items = _batch(150, 20)
    out = admit(_conditions(), items)
    assert out.over_cap == [items[0].order_id]
    assert out.admitted == [items[1].order_id]
    assert out.waiting is None
