"""Scopes: a key carries delegable permissions of its owner's role, a token a subset of those."""

from __future__ import annotations

import pytest

from onramp.auth.permissions import NOT_DELEGABLE, Permission, Role, delegable
from onramp.identity.api_keys.service import check_scopes
from onramp.identity.errors import ApiKeyScopeNotAllowed, OAuthInvalidScope
from onramp.identity.oauth.service import granted_scopes


def test_a_customer_may_delegate_trading_but_not_its_logins_or_keys() -> None:
    # Bank accounts and wallets may be listed and removed by a key; adding them needs a person.
    # Likewise a key may read the KYC status; submitting identity data needs a person. A key
    # may manage the customer's webhook endpoints (a business's integration does).
    assert delegable("customer") == {
        Permission.QUOTES_CREATE,
        Permission.ORDERS_CREATE,
        Permission.ORDERS_READ_OWN,
        Permission.PROFILE_MANAGE_OWN,
        Permission.BANK_ACCOUNTS_MANAGE_OWN,
        Permission.WALLETS_MANAGE_OWN,
        Permission.KYC_MANAGE_OWN,
        Permission.WEBHOOKS_MANAGE_OWN,
    }


@pytest.mark.parametrize("role", list(Role))
def test_nothing_not_delegable_is_delegable_by_any_role(role: Role) -> None:
    assert not delegable(role) & NOT_DELEGABLE


def test_an_unknown_role_delegates_nothing() -> None:
    assert delegable("superuser") == frozenset()


def test_asking_for_a_permission_the_role_lacks_is_refused_with_the_reason() -> None:
    with pytest.raises(ApiKeyScopeNotAllowed) as refused:
        check_scopes("support", [Permission.ORDERS_CREATE])
    assert "orders:create" in refused.value.detail
    assert "profile:manage_own" in refused.value.detail  # what would be allowed


def test_asking_for_a_non_delegable_permission_is_refused() -> None:
    with pytest.raises(ApiKeyScopeNotAllowed):
        check_scopes("customer", [Permission.API_KEYS_MANAGE_OWN])
    with pytest.raises(ApiKeyScopeNotAllowed):
        check_scopes("admin", [Permission.APPROVALS_DECIDE])


def test_allowed_scopes_come_back_sorted_and_deduplicated() -> None:
    assert check_scopes("customer", ["orders:create", "quotes:create", "orders:create"]) == [
        "orders:create",
        "quotes:create",
    ]


def test_a_token_gets_all_of_the_keys_scopes_unless_it_asks_for_fewer() -> None:
    available = frozenset({"orders:create", "orders:read_own"})
    assert granted_scopes(None, available) == available
    assert granted_scopes("", available) == available
    assert granted_scopes("orders:read_own", available) == {"orders:read_own"}
    assert granted_scopes("orders:read_own  orders:create", available) == available


def test_a_token_may_not_ask_for_more_than_its_key_carries() -> None:
    with pytest.raises(OAuthInvalidScope) as refused:
        granted_scopes("orders:read_own quotes:create", frozenset({"orders:read_own"}))
    assert "quotes:create" in refused.value.detail
    with pytest.raises(OAuthInvalidScope):
        granted_scopes("everything", frozenset({"orders:read_own"}))
