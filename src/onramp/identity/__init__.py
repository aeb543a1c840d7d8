"""Customers and staff: registration, login, sessions, API keys, second factors; the stores
behind the access kit (``onramp.auth``), which it installs here."""

from typing import TYPE_CHECKING

from onramp.auth import install_credential_store
from onramp.core.lazy import lazy_exports
from onramp.identity.credentials import IdentityCredentials
from onramp.identity.errors import EmailTaken, InvalidCredentials, InvalidToken, WeakPassword

if TYPE_CHECKING:
    from onramp.identity.account_api import me_router as account_me_router
    from onramp.identity.account_api import router as account_router
    from onramp.identity.admin_api import admin_router as admin_admin_router
    from onramp.identity.admin_api import approvals_router as admin_approvals_router
    from onramp.identity.api import me_router as identity_me_router
    from onramp.identity.api import router as identity_router
    from onramp.identity.api_keys_api import router as api_keys_router
    from onramp.identity.approvals import ApprovalAction as ApprovalAction
    from onramp.identity.approvals import ApprovalNotFound as ApprovalNotFound
    from onramp.identity.approvals import ApprovalStatus as ApprovalStatus
    from onramp.identity.approvals import being_decided as being_decided
    from onramp.identity.approvals import decide as decide_approval
    from onramp.identity.approvals import get_request as get_approval_request
    from onramp.identity.approvals import pending_for as pending_for
    from onramp.identity.approvals import register as register_approval_action
    from onramp.identity.approvals import request_approval as request_approval
    from onramp.identity.bootstrap import create_first_admin as create_first_admin
    from onramp.identity.mfa_api import me_router as mfa_me_router
    from onramp.identity.mfa_api import router as mfa_router
    from onramp.identity.models import ApprovalRequest as ApprovalRequest
    from onramp.identity.oauth_api import router as oauth_router
    from onramp.identity.service import erase_identity as erase_identity
    from onramp.identity.service import erased_users as erased_users
    from onramp.identity.service import export_user as export_user
    from onramp.identity.service import registered_at as registered_at
    from onramp.identity.service import role_of as role_of
    from onramp.identity.verification import require_verified_email as require_verified_email

_LAZY = {
    "ApprovalAction": ("onramp.identity.approvals", "ApprovalAction"),
    "ApprovalNotFound": ("onramp.identity.approvals", "ApprovalNotFound"),
    "ApprovalRequest": ("onramp.identity.models", "ApprovalRequest"),
    "ApprovalStatus": ("onramp.identity.approvals", "ApprovalStatus"),
    "account_me_router": ("onramp.identity.account_api", "me_router"),
    "account_router": ("onramp.identity.account_api", "router"),
    "admin_admin_router": ("onramp.identity.admin_api", "admin_router"),
    "admin_approvals_router": ("onramp.identity.admin_api", "approvals_router"),
    "api_keys_router": ("onramp.identity.api_keys_api", "router"),
    "being_decided": ("onramp.identity.approvals", "being_decided"),
    "create_first_admin": ("onramp.identity.bootstrap", "create_first_admin"),
    "decide_approval": ("onramp.identity.approvals", "decide"),
    "erase_identity": ("onramp.identity.service", "erase_identity"),
    "erased_users": ("onramp.identity.service", "erased_users"),
    "export_user": ("onramp.identity.service", "export_user"),
    "get_approval_request": ("onramp.identity.approvals", "get_request"),
    "identity_me_router": ("onramp.identity.api", "me_router"),
    "identity_router": ("onramp.identity.api", "router"),
    "mfa_me_router": ("onramp.identity.mfa_api", "me_router"),
    "mfa_router": ("onramp.identity.mfa_api", "router"),
    "oauth_router": ("onramp.identity.oauth_api", "router"),
    "pending_for": ("onramp.identity.approvals", "pending_for"),
    "register_approval_action": ("onramp.identity.approvals", "register"),
    "registered_at": ("onramp.identity.service", "registered_at"),
    "request_approval": ("onramp.identity.approvals", "request_approval"),
    "require_verified_email": ("onramp.identity.verification", "require_verified_email"),
    "role_of": ("onramp.identity.service", "role_of"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

install_credential_store(IdentityCredentials())

__all__ = [
    "ApprovalAction",
    "ApprovalNotFound",
    "ApprovalRequest",
    "ApprovalStatus",
    "EmailTaken",
    "InvalidCredentials",
    "InvalidToken",
    "WeakPassword",
    "account_me_router",
    "account_router",
    "admin_admin_router",
    "admin_approvals_router",
    "api_keys_router",
    "being_decided",
    "create_first_admin",
    "decide_approval",
    "erase_identity",
    "erased_users",
    "export_user",
    "get_approval_request",
    "identity_me_router",
    "identity_router",
    "mfa_me_router",
    "mfa_router",
    "oauth_router",
    "pending_for",
    "register_approval_action",
    "registered_at",
    "request_approval",
    "require_verified_email",
    "role_of",
]
