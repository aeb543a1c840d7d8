"""Customers and staff: registration, login, sessions, API keys, second factors; the stores
behind the access kit (``onramp.auth``), which it installs here."""

from typing import TYPE_CHECKING

from onramp.auth import install_credential_store
from onramp.core.lazy import lazy_exports
from onramp.identity.credentials import IdentityCredentials
from onramp.identity.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenSuperseded,
    WeakPassword,
)

if TYPE_CHECKING:
    from onramp.identity.accounts.api import me_router as account_me_router
    from onramp.identity.accounts.api import router as account_router
    from onramp.identity.accounts.own_credentials import change_own_password as change_own_password
    from onramp.identity.accounts.own_credentials import confirm_totp as confirm_totp
    from onramp.identity.accounts.own_credentials import start_totp as start_totp
    from onramp.identity.accounts.own_credentials import step_up as step_up
    from onramp.identity.accounts.preferences import Preferences as Preferences
    from onramp.identity.accounts.preferences import get_preferences as get_preferences
    from onramp.identity.accounts.preferences import set_preferences as set_preferences
    from onramp.identity.accounts.recipients import Recipient as Recipient
    from onramp.identity.accounts.recipients import email_recipients as email_recipients
    from onramp.identity.accounts.recipients import webhook_muted as webhook_muted
    from onramp.identity.accounts.security_emails import (
        account_emails_consumer as account_emails_consumer,
    )
    from onramp.identity.accounts.service import erase_identity as erase_identity
    from onramp.identity.accounts.service import erased_users as erased_users
    from onramp.identity.accounts.service import export_user as export_user
    from onramp.identity.accounts.service import registered_at as registered_at
    from onramp.identity.accounts.service import registered_at_of as registered_at_of
    from onramp.identity.accounts.service import role_of as role_of
    from onramp.identity.accounts.verification import (
        require_verified_email as require_verified_email,
    )
    from onramp.identity.api_keys.api import KeyStateQuery as KeyStateQuery
    from onramp.identity.api_keys.api import router as api_keys_router
    from onramp.identity.api_keys.own_keys import create_own_key as create_own_key
    from onramp.identity.api_keys.own_keys import own_keys as own_api_keys
    from onramp.identity.api_keys.own_keys import revoke_own_key as revoke_own_key
    from onramp.identity.api_keys.own_keys import rotate_own_key as rotate_own_key
    from onramp.identity.api_keys.schemas import ApiKeyCreate as ApiKeyCreate
    from onramp.identity.api_keys.service import KeyPolicy as KeyPolicy
    from onramp.identity.api_keys.service import create_key as create_api_key
    from onramp.identity.api_keys.service import list_keys as list_api_keys
    from onramp.identity.api_keys.service import revoke_key as revoke_api_key
    from onramp.identity.login.api import SessionStateQuery as SessionStateQuery
    from onramp.identity.login.api import me_router as identity_me_router
    from onramp.identity.login.api import router as identity_router
    from onramp.identity.login.api import sessions_of as sessions_of
    from onramp.identity.login.flows import confirm_email as confirm_email
    from onramp.identity.login.flows import logout as logout
    from onramp.identity.login.flows import mfa_login as mfa_login
    from onramp.identity.login.flows import password_login as password_login
    from onramp.identity.login.flows import profile_of as profile_of
    from onramp.identity.login.flows import refresh_session as refresh_session
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
    from onramp.identity.schemas import PreferencesBody as PreferencesBody
    from onramp.identity.schemas import RegisterRequest as RegisterRequest
    from onramp.identity.schemas import SessionOut as SessionOut
    from onramp.identity.schemas import TokenOut as TokenOut
    from onramp.identity.schemas import UserOut as UserOut
    from onramp.identity.sessions.service import list_sessions as list_sessions
    from onramp.identity.sessions.service import list_sessions as own_sessions
    from onramp.identity.sessions.service import revoke as revoke_own_session
    from onramp.identity.staff.api import admin_router as admin_admin_router
    from onramp.identity.staff.api import approvals_router as admin_approvals_router
    from onramp.identity.staff.approvals import ApprovalAction as ApprovalAction
    from onramp.identity.staff.approvals import ApprovalNotFound as ApprovalNotFound
    from onramp.identity.staff.approvals import ApprovalStatus as ApprovalStatus
    from onramp.identity.staff.approvals import FourEyesViolation as FourEyesViolation
    from onramp.identity.staff.approvals import being_decided as being_decided
    from onramp.identity.staff.approvals import decide as decide_approval
    from onramp.identity.staff.approvals import get_request as get_approval_request
    from onramp.identity.staff.approvals import list_requests as list_approval_requests
    from onramp.identity.staff.approvals import pending_for as pending_for
    from onramp.identity.staff.approvals import register as register_approval_action
    from onramp.identity.staff.approvals import request_approval as request_approval
    from onramp.identity.staff.approvals import waiting_for as approvals_waiting_for
    from onramp.identity.staff.bootstrap import create_first_admin as create_first_admin
    from onramp.identity.staff.bootstrap import create_sample_staff as create_sample_staff
    from onramp.identity.staff.customers import CustomerRecord as CustomerRecord
    from onramp.identity.staff.customers import customer_id_by_email as customer_id_by_email
    from onramp.identity.staff.customers import customer_record as customer_record
    from onramp.identity.staff.customers import customer_records as customer_records
    from onramp.identity.staff.customers import customers_named as customers_named
    from onramp.identity.staff.deactivation import deactivate as deactivate_user
    from onramp.identity.staff.deactivation import propose_reactivation as propose_reactivation
    from onramp.identity.staff.directory import STAFF_ROLES as STAFF_ROLES
    from onramp.identity.staff.directory import StaffStatus as StaffStatus
    from onramp.identity.staff.directory import list_staff as list_staff
    from onramp.identity.staff.directory import staff_principal as staff_principal
    from onramp.identity.staff.directory import with_second_factor as with_second_factor
    from onramp.identity.staff.freezing import HoldChange as HoldChange
    from onramp.identity.staff.freezing import ensure_not_frozen as ensure_not_frozen
    from onramp.identity.staff.freezing import freeze_customer as freeze_customer
    from onramp.identity.staff.freezing import unfreeze_customer as unfreeze_customer
    from onramp.identity.staff.roles import propose_role_change as propose_role_change

_LAZY = {
    "ApiKeyCreate": ("onramp.identity.api_keys.schemas", "ApiKeyCreate"),
    "ApprovalAction": ("onramp.identity.staff.approvals", "ApprovalAction"),
    "ApprovalNotFound": ("onramp.identity.staff.approvals", "ApprovalNotFound"),
    "FourEyesViolation": ("onramp.identity.staff.approvals", "FourEyesViolation"),
    "ApprovalRequest": ("onramp.identity.models", "ApprovalRequest"),
    "ApprovalStatus": ("onramp.identity.staff.approvals", "ApprovalStatus"),
    "CustomerRecord": ("onramp.identity.staff.customers", "CustomerRecord"),
    "EmailTokenRequest": ("onramp.identity.schemas", "EmailTokenRequest"),
    "HoldChange": ("onramp.identity.staff.freezing", "HoldChange"),
    "KeyPolicy": ("onramp.identity.api_keys.service", "KeyPolicy"),
    "KeyStateQuery": ("onramp.identity.api_keys.api", "KeyStateQuery"),
    "LoginRequest": ("onramp.identity.schemas", "LoginRequest"),
    "MfaLoginRequest": ("onramp.identity.schemas", "MfaLoginRequest"),
    "MfaRequiredOut": ("onramp.identity.schemas", "MfaRequiredOut"),
    "Preferences": ("onramp.identity.accounts.preferences", "Preferences"),
    "PreferencesBody": ("onramp.identity.schemas", "PreferencesBody"),
    "Recipient": ("onramp.identity.accounts.recipients", "Recipient"),
    "RegisterRequest": ("onramp.identity.schemas", "RegisterRequest"),
    "STAFF_ROLES": ("onramp.identity.staff.directory", "STAFF_ROLES"),
    "staff_principal": ("onramp.identity.staff.directory", "staff_principal"),
    "SessionOut": ("onramp.identity.schemas", "SessionOut"),
    "SessionStateQuery": ("onramp.identity.login.api", "SessionStateQuery"),
    "StaffStatus": ("onramp.identity.staff.directory", "StaffStatus"),
    "TokenOut": ("onramp.identity.schemas", "TokenOut"),
    "UserOut": ("onramp.identity.schemas", "UserOut"),
    "account_emails_consumer": (
        "onramp.identity.accounts.security_emails",
        "account_emails_consumer",
    ),
    "account_me_router": ("onramp.identity.accounts.api", "me_router"),
    "account_router": ("onramp.identity.accounts.api", "router"),
    "admin_admin_router": ("onramp.identity.staff.api", "admin_router"),
    "admin_approvals_router": ("onramp.identity.staff.api", "approvals_router"),
    "api_keys_router": ("onramp.identity.api_keys.api", "router"),
    "approvals_waiting_for": ("onramp.identity.staff.approvals", "waiting_for"),
    "being_decided": ("onramp.identity.staff.approvals", "being_decided"),
    "change_own_password": ("onramp.identity.accounts.own_credentials", "change_own_password"),
    "confirm_email": ("onramp.identity.login.flows", "confirm_email"),
    "confirm_totp": ("onramp.identity.accounts.own_credentials", "confirm_totp"),
    "create_api_key": ("onramp.identity.api_keys.service", "create_key"),
    "create_first_admin": ("onramp.identity.staff.bootstrap", "create_first_admin"),
    "create_own_key": ("onramp.identity.api_keys.own_keys", "create_own_key"),
    "create_sample_staff": ("onramp.identity.staff.bootstrap", "create_sample_staff"),
    "customer_id_by_email": ("onramp.identity.staff.customers", "customer_id_by_email"),
    "customer_record": ("onramp.identity.staff.customers", "customer_record"),
    "customer_records": ("onramp.identity.staff.customers", "customer_records"),
    "customers_named": ("onramp.identity.staff.customers", "customers_named"),
    "deactivate_user": ("onramp.identity.staff.deactivation", "deactivate"),
    "decide_approval": ("onramp.identity.staff.approvals", "decide"),
    "email_recipients": ("onramp.identity.accounts.recipients", "email_recipients"),
    "ensure_not_frozen": ("onramp.identity.staff.freezing", "ensure_not_frozen"),
    "erase_identity": ("onramp.identity.accounts.service", "erase_identity"),
    "erased_users": ("onramp.identity.accounts.service", "erased_users"),
    "export_user": ("onramp.identity.accounts.service", "export_user"),
    "freeze_customer": ("onramp.identity.staff.freezing", "freeze_customer"),
    "get_approval_request": ("onramp.identity.staff.approvals", "get_request"),
    "get_preferences": ("onramp.identity.accounts.preferences", "get_preferences"),
    "identity_me_router": ("onramp.identity.login.api", "me_router"),
    "identity_router": ("onramp.identity.login.api", "router"),
    "is_enabled": ("onramp.identity.mfa.service", "is_enabled"),
    "list_api_keys": ("onramp.identity.api_keys.service", "list_keys"),
    "list_approval_requests": ("onramp.identity.staff.approvals", "list_requests"),
    "list_sessions": ("onramp.identity.sessions.service", "list_sessions"),
    "list_staff": ("onramp.identity.staff.directory", "list_staff"),
    "login_answer": ("onramp.identity.login.token_responses", "answer_with"),
    "logout": ("onramp.identity.login.flows", "logout"),
    "mfa_login": ("onramp.identity.login.flows", "mfa_login"),
    "mfa_me_router": ("onramp.identity.login.mfa_api", "me_router"),
    "mfa_router": ("onramp.identity.login.mfa_api", "router"),
    "oauth_router": ("onramp.identity.oauth.api", "router"),
    "own_api_keys": ("onramp.identity.api_keys.own_keys", "own_keys"),
    "own_sessions": ("onramp.identity.sessions.service", "list_sessions"),
    "password_login": ("onramp.identity.login.flows", "password_login"),
    "pending_for": ("onramp.identity.staff.approvals", "pending_for"),
    "profile_of": ("onramp.identity.login.flows", "profile_of"),
    "propose_reactivation": ("onramp.identity.staff.deactivation", "propose_reactivation"),
    "propose_role_change": ("onramp.identity.staff.roles", "propose_role_change"),
    "refresh_session": ("onramp.identity.login.flows", "refresh_session"),
    "register_approval_action": ("onramp.identity.staff.approvals", "register"),
    "register_customer": ("onramp.identity.login.flows", "register_customer"),
    "registered_at": ("onramp.identity.accounts.service", "registered_at"),
    "registered_at_of": ("onramp.identity.accounts.service", "registered_at_of"),
    "request_approval": ("onramp.identity.staff.approvals", "request_approval"),
    "require_verified_email": ("onramp.identity.accounts.verification", "require_verified_email"),
    "revoke_api_key": ("onramp.identity.api_keys.service", "revoke_key"),
    "revoke_own_key": ("onramp.identity.api_keys.own_keys", "revoke_own_key"),
    "revoke_own_session": ("onramp.identity.sessions.service", "revoke"),
    "role_of": ("onramp.identity.accounts.service", "role_of"),
    "rotate_own_key": ("onramp.identity.api_keys.own_keys", "rotate_own_key"),
    "sessions_of": ("onramp.identity.login.api", "sessions_of"),
    "set_preferences": ("onramp.identity.accounts.preferences", "set_preferences"),
    "start_totp": ("onramp.identity.accounts.own_credentials", "start_totp"),
    "step_up": ("onramp.identity.accounts.own_credentials", "step_up"),
    "unfreeze_customer": ("onramp.identity.staff.freezing", "unfreeze_customer"),
    "webhook_muted": ("onramp.identity.accounts.recipients", "webhook_muted"),
    "with_second_factor": ("onramp.identity.staff.directory", "with_second_factor"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

install_credential_store(IdentityCredentials())

__all__ = [
    "ApiKeyCreate",
    "ApprovalAction",
    "ApprovalNotFound",
    "FourEyesViolation",
    "ApprovalRequest",
    "ApprovalStatus",
    "CustomerRecord",
    "EmailTaken",
    "EmailTokenRequest",
    "HoldChange",
    "InvalidCredentials",
    "InvalidToken",
    "KeyPolicy",
    "KeyStateQuery",
    "LoginRequest",
    "MfaLoginRequest",
    "MfaRequiredOut",
    "Preferences",
    "PreferencesBody",
    "Recipient",
    "RefreshTokenSuperseded",
    "RegisterRequest",
    "STAFF_ROLES",
    "staff_principal",
    "SessionOut",
    "SessionStateQuery",
    "StaffStatus",
    "TokenOut",
    "UserOut",
    "WeakPassword",
    "account_emails_consumer",
    "account_me_router",
    "account_router",
    "admin_admin_router",
    "admin_approvals_router",
    "api_keys_router",
    "approvals_waiting_for",
    "being_decided",
    "change_own_password",
    "confirm_email",
    "confirm_totp",
    "create_api_key",
    "create_first_admin",
    "create_own_key",
    "create_sample_staff",
    "customer_id_by_email",
    "customer_record",
    "customer_records",
    "customers_named",
    "deactivate_user",
    "decide_approval",
    "email_recipients",
    "ensure_not_frozen",
    "erase_identity",
    "erased_users",
    "export_user",
    "freeze_customer",
    "get_approval_request",
    "get_preferences",
    "identity_me_router",
    "identity_router",
    "is_enabled",
    "list_api_keys",
    "list_approval_requests",
    "list_sessions",
    "list_staff",
    "login_answer",
    "logout",
    "mfa_login",
    "mfa_me_router",
    "mfa_router",
    "oauth_router",
    "own_api_keys",
    "own_sessions",
    "password_login",
    "pending_for",
    "profile_of",
    "propose_reactivation",
    "propose_role_change",
    "refresh_session",
    "register_approval_action",
    "register_customer",
    "registered_at",
    "registered_at_of",
    "request_approval",
    "require_verified_email",
    "revoke_api_key",
    "revoke_own_key",
    "revoke_own_session",
    "role_of",
    "rotate_own_key",
    "sessions_of",
    "set_preferences",
    "start_totp",
    "step_up",
    "unfreeze_customer",
    "webhook_muted",
    "with_second_factor",
]
