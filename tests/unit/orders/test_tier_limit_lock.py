"""Customers' limit locks: one per customer, not one per minute of registration (a uuid7's
first bytes are its creation time; customers made together once shared a lock)."""

from __future__ import annotations

from onramp.core.ids import uuid7
from onramp.orders.tier_limits.limits import _lock_key


def test_customers_registered_together_do_not_share_a_limits_lock() -> None:
    customers = [uuid7() for _ in range(200)]
    assert len({_lock_key(c) for c in customers}) == len(customers)


def test_a_customer_always_takes_the_same_lock() -> None:
    customer = uuid7()
    assert _lock_key(customer) == _lock_key(customer)
