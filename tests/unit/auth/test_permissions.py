"""The permission matrix: who may read the audit log."""

from __future__ import annotations

import pytest

from onramp.auth.permissions import Permission, Role, allowed, delegable


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.ADMIN])
def test_the_audit_log_is_read_by_auditors_officers_and_admins(role: Role) -> None:
    assert allowed(role, Permission.AUDIT_READ)


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.SUPPORT, Role.TREASURER])
def test_other_roles_do_not_read_the_audit_log(role: Role) -> None:
    assert not allowed(role, Permission.AUDIT_READ)


def test_an_admins_api_key_may_carry_audit_read() -> None:
    assert Permission.AUDIT_READ in delegable(Role.ADMIN)
