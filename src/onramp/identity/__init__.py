"""Customers and staff: registration, login, sessions, API keys, second factors; the stores
behind the access kit (``onramp.auth``), which it installs here."""

from typing import TYPE_CHECKING

from onramp.auth import install_credential_store
from onramp.core.lazy import lazy_exports
from onramp.identity.credentials import IdentityCredentials
from onramp.identity.errors import EmailTaken, InvalidCredentials, InvalidToken, WeakPassword

if TYPE_CHECKING:
    from onramp.identity.accounts.api import me_router as account_me_router
    from onramp.identity.accounts.api import router as account_router
    from onramp.identity.accounts.recipients import Recipient as Recipient
    from onramp.identity.accounts.recipients import email_recipients as email_recipients
    from onramp.identity.accounts.service import erase_identity as erase_identity
    from onramp.identity.accounts.service import erased_users as erased_users
    from onramp.identity.accounts.service import export_user as export_user
    from onramp.identity.accounts.service import registered_at as registered_at
    from onramp.identity.accounts.service import role_of as role_of
    from onramp.identity.accounts.verification import (
        require_verified_email as require_verified_email,
    )
    from onramp.identity.api_keys.api import router as api_keys_router
    from onramp.identity.login.api import me_router as identity_me_router
    from onramp.identity.login.api import router as identity_router
    from onramp.identity.login.api import sessions_of as sessions_of
    from onramp.identity.login.flows import confirm_email as confirm_email
    from onramp.identity.login.flows import logout as logout
    from onramp.identity.login.flows import mfa_login as mfa_login
    from onramp.identity.login.flows import password_login as password_login
    from onramp.identity.login.flows import profile_of as profile_of
    from onramp.identity.login.flows import register_customer as register_customer
    from onramp.identity.login.mfa_api import me_router as mfa_me_router
    from onramp.identity.login.mfa_api import router as mfa_router
    from onramp.identity.login.token_responses import answer_with as login_answer
    from onramp.identity.mfa.service import is_enabled as is_enabled
    from onramp.identity.models import ApprovalRequest as ApprovalRequest
    from onramp.identity.oauth.api import router as oauth_router
    from onramp.identity.schemas import EmailTokenRequest as EmailTokenRequest
    from onramp.identity.schemas import LoginRequest as LoginRequest
    from onramp.identity.schemas import MfaLoginRequest as MfaLoginRequest
    from onramp.identity.schemas import MfaRequiredOut as MfaRequiredOut
    from onramp.identity.schemas import RegisterRequest as RegisterRequest
    from onramp.identity.schemas import SessionOut as SessionOut
    from onramp.identity.schemas import TokenOut as TokenOut
    from onramp.identity.schemas import UserOut as UserOut
    from onramp.identity.sessions.service import list_sessions as list_sessions
    from onramp.identity.staff.api import admin_router as admin_admin_router
    from onramp.identity.staff.api import approvals_router as admin_approvals_router
    from onramp.identity.staff.approvals import ApprovalAction as ApprovalAction
    from onramp.identity.staff.approvals import ApprovalNotFound as ApprovalNotFound
    from onramp.identity.staff.approvals import ApprovalStatus as ApprovalStatus
    from onramp.identity.staff.approvals import being_decided as being_decided
    from onramp.identity.staff.approvals import decide as decide_approval
    from onramp.identity.staff.approvals import get_request as get_approval_request
    from onramp.identity.staff.approvals import pending_for as pending_for
    from onramp.identity.staff.approvals import register as register_approval_action
    from onramp.identity.staff.approvals import request_approval as request_approval
    from onramp.identity.staff.bootstrap import create_first_admin as create_first_admin
    from onramp.identity.staff.customers import CustomerRecord as CustomerRecord
    from onramp.identity.staff.customers import customer_id_by_email as customer_id_by_email
    from onramp.identity.staff.customers import customer_record as customer_record
    from onramp.identity.staff.customers import customer_records as customer_records
    from onramp.identity.staff.customers import customers_named as customers_named
    from onramp.identity.staff.freezing import HoldChange as HoldChange
    from onramp.identity.staff.freezing import ensure_not_frozen as ensure_not_frozen
    from onramp.identity.staff.freezing import freeze_customer as freeze_customer
    from onramp.identity.staff.freezing import unfreeze_customer as unfreeze_customer

_LAZY = {
    "ApprovalAction": ("onramp.identity.staff.approvals", "ApprovalAction"),
    "ApprovalNotFound": ("onramp.identity.staff.approvals", "ApprovalNotFound"),
    "ApprovalRequest": ("onramp.identity.models", "ApprovalRequest"),
    "ApprovalStatus": ("onramp.identity.staff.approvals", "ApprovalStatus"),
    "CustomerRecord": ("onramp.identity.staff.customers", "CustomerRecord"),
    "EmailTokenRequest": ("onramp.identity.schemas", "EmailTokenRequest"),
    "HoldChange": ("onramp.identity.staff.freezing", "HoldChange"),
    "LoginRequest": ("onramp.identity.schemas", "LoginRequest"),
    "MfaLoginRequest": ("onramp.identity.schemas", "MfaLoginRequest"),
    "MfaRequiredOut": ("onramp.identity.schemas", "MfaRequiredOut"),
    "Recipient": ("onramp.identity.accounts.recipients", "Recipient"),
    "RegisterRequest": ("onramp.identity.schemas", "RegisterRequest"),
    "SessionOut": ("onramp.identity.schemas", "SessionOut"),
    "TokenOut": ("onramp.identity.schemas", "TokenOut"),
    "UserOut": ("onramp.identity.schemas", "UserOut"),
    "account_me_router": ("onramp.identity.accounts.api", "me_router"),
    "account_router": ("onramp.identity.accounts.api", "router"),
    "admin_admin_router": ("onramp.identity.staff.api", "admin_router"),
    "admin_approvals_router": ("onramp.identity.staff.api", "approvals_router"),
    "api_keys_router": ("onramp.identity.api_keys.api", "router"),
    "being_decided": ("onramp.identity.staff.approvals", "being_decided"),
    "confirm_email": ("onramp.identity.login.flows", "confirm_email"),
    "create_first_admin": ("onramp.identity.staff.bootstrap", "create_first_admin"),
    "customer_id_by_email": ("onramp.identity.staff.customers", "customer_id_by_email"),
    "customer_record": ("onramp.identity.staff.customers", "customer_record"),
    "customer_records": ("onramp.identity.staff.customers", "customer_records"),
    "customers_named": ("onramp.identity.staff.customers", "customers_named"),
    "decide_approval": ("onramp.identity.staff.approvals", "decide"),
    "email_recipients": ("onramp.identity.accounts.recipients", "email_recipients"),
    "ensure_not_frozen": ("onramp.identity.staff.freezing", "ensure_not_frozen"),
    "erase_identity": ("onramp.identity.accounts.service", "erase_identity"),
    "erased_users": ("onramp.identity.accounts.service", "erased_users"),
    "export_user": ("onramp.identity.accounts.service", "export_user"),
    "freeze_customer": ("onramp.identity.staff.freezing", "freeze_customer"),
    "get_approval_request": ("onramp.identity.staff.approvals", "get_request"),
    "identity_me_router": ("onramp.identity.login.api", "me_router"),
    "identity_router": ("onramp.identity.login.api", "router"),
    "is_enabled": ("onramp.identity.mfa.service", "is_enabled"),
    "list_sessions": ("onramp.identity.sessions.service", "list_sessions"),
    "login_answer": ("onramp.identity.login.token_responses", "answer_with"),
    "logout": ("onramp.identity.login.flows", "logout"),
    "mfa_login": ("onramp.identity.login.flows", "mfa_login"),
    "mfa_me_router": ("onramp.identity.login.mfa_api", "me_router"),
    "mfa_router": ("onramp.identity.login.mfa_api", "router"),
    "oauth_router": ("onramp.identity.oauth.api", "router"),
    "password_login": ("onramp.identity.login.flows", "password_login"),
    "pending_for": ("onramp.identity.staff.approvals", "pending_for"),
    "profile_of": ("onramp.identity.login.flows", "profile_of"),
    "register_approval_action": ("onramp.identity.staff.approvals", "register"),
    "register_customer": ("onramp.identity.login.flows", "register_customer"),
    "registered_at": ("onramp.identity.accounts.service", "registered_at"),
    "request_approval": ("onramp.identity.staff.approvals", "request_approval"),
    "require_verified_email": ("onramp.identity.accounts.verification", "require_verified_email"),
    "role_of": ("onramp.identity.accounts.service", "role_of"),
    "sessions_of": ("onramp.identity.login.api", "sessions_of"),
    "unfreeze_customer": ("onramp.identity.staff.freezing", "unfreeze_customer"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

install_credential_store(IdentityCredentials())

__all__ = [
    "ApprovalAction",
    "ApprovalNotFound",
    "ApprovalRequest",
    "ApprovalStatus",
    "CustomerRecord",
    "EmailTaken",
    "EmailTokenRequest",
    "HoldChange",
    "InvalidCredentials",
    "InvalidToken",
    "LoginRequest",
    "MfaLoginRequest",
    "MfaRequiredOut",
    "Recipient",
    "RegisterRequest",
    "SessionOut",
    "TokenOut",
    "UserOut",
    "WeakPassword",
    "account_me_router",
    "account_router",
    "admin_admin_router",
    "admin_approvals_router",
    "api_keys_router",
    "being_decided",
    "confirm_email",
    "create_first_admin",
    "customer_id_by_email",
    "customer_record",
    "customer_records",
    "customers_named",
    "decide_approval",
    "email_recipients",
    "ensure_not_frozen",
    "erase_identity",
    "erased_users",
    "export_user",
    "freeze_customer",
    "get_approval_request",
    "identity_me_router",
    "identity_router",
    "is_enabled",
    "list_sessions",
    "login_answer",
    "logout",
    "mfa_login",
    "mfa_me_router",
    "mfa_router",
    "oauth_router",
    "password_login",
    "pending_for",
    "profile_of",
    "register_approval_action",
    "register_customer",
    "registered_at",
    "request_approval",
    "require_verified_email",
    "role_of",
    "sessions_of",
    "unfreeze_customer",
]
