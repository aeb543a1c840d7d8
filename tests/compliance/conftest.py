"""Compliance scenarios drive the running stack as the end-to-end tests do: same fixtures."""

from tests.e2e.conftest import bank, customer, migrated_database, other_customer, person

__all__ = ["bank", "customer", "migrated_database", "other_customer", "person"]
