"""The access kit: who is calling (``Principal``), what each role may do (``Permission`` and the
matrix), the route dependency that checks it (``require``) and step-up. ``identity`` keeps the
users, sessions, API keys and second factors behind it (``CredentialStore``)."""

from typing import TYPE_CHECKING

from onramp.auth.credentials import CredentialStore, credential_store, install_credential_store
from onramp.auth.lookup_cache import (
    CredentialCache,
    CredentialListener,
    credential_cache,
    listening_for_changes,
    watched,
)
from onramp.auth.step_up import require_recent_mfa, require_step_up
from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.auth.access import require as require
    from onramp.auth.access import signed_in as signed_in
    from onramp.auth.access import still_open as still_open
    from onramp.auth.cookies import CSRF_COOKIE as CSRF_COOKIE
    from onramp.auth.cookies import REFRESH_COOKIE as REFRESH_COOKIE
    from onramp.auth.cookies import check_csrf as check_csrf
    from onramp.auth.cookies import clear_session_cookies as clear_session_cookies
    from onramp.auth.cookies import csrf_token as csrf_token
    from onramp.auth.cookies import set_session_cookies as set_session_cookies
    from onramp.auth.errors import CsrfTokenInvalid as CsrfTokenInvalid
    from onramp.auth.errors import InsufficientScope as InsufficientScope
    from onramp.auth.errors import InvalidToken as InvalidToken
    from onramp.auth.errors import LoginSessionRequired as LoginSessionRequired
    from onramp.auth.errors import MfaEnrollmentRequired as MfaEnrollmentRequired
    from onramp.auth.errors import PermissionDenied as PermissionDenied
    from onramp.auth.errors import StaffMfaRequired as StaffMfaRequired
    from onramp.auth.errors import StepUpRequired as StepUpRequired
    from onramp.auth.permissions import Permission as Permission
    from onramp.auth.permissions import Role as Role
    from onramp.auth.permissions import allowed as allowed
    from onramp.auth.permissions import delegable as delegable
    from onramp.auth.tokens import Principal as Principal
    from onramp.auth.tokens import issue_access_token as issue_access_token
    from onramp.auth.tokens import issue_client_token as issue_client_token
    from onramp.auth.tokens import new_refresh_token as new_refresh_token
    from onramp.auth.tokens import refresh_token_hash as refresh_token_hash

_LAZY = {
    "CSRF_COOKIE": ("onramp.auth.cookies", "CSRF_COOKIE"),
    "CsrfTokenInvalid": ("onramp.auth.errors", "CsrfTokenInvalid"),
    "InsufficientScope": ("onramp.auth.errors", "InsufficientScope"),
    "InvalidToken": ("onramp.auth.errors", "InvalidToken"),
    "LoginSessionRequired": ("onramp.auth.errors", "LoginSessionRequired"),
    "MfaEnrollmentRequired": ("onramp.auth.errors", "MfaEnrollmentRequired"),
    "Permission": ("onramp.auth.permissions", "Permission"),
    "PermissionDenied": ("onramp.auth.errors", "PermissionDenied"),
    "Principal": ("onramp.auth.tokens", "Principal"),
    "REFRESH_COOKIE": ("onramp.auth.cookies", "REFRESH_COOKIE"),
    "Role": ("onramp.auth.permissions", "Role"),
    "StaffMfaRequired": ("onramp.auth.errors", "StaffMfaRequired"),
    "StepUpRequired": ("onramp.auth.errors", "StepUpRequired"),
    "allowed": ("onramp.auth.permissions", "allowed"),
    "check_csrf": ("onramp.auth.cookies", "check_csrf"),
    "clear_session_cookies": ("onramp.auth.cookies", "clear_session_cookies"),
    "csrf_token": ("onramp.auth.cookies", "csrf_token"),
    "delegable": ("onramp.auth.permissions", "delegable"),
    "issue_access_token": ("onramp.auth.tokens", "issue_access_token"),
    "issue_client_token": ("onramp.auth.tokens", "issue_client_token"),
    "new_refresh_token": ("onramp.auth.tokens", "new_refresh_token"),
    "refresh_token_hash": ("onramp.auth.tokens", "refresh_token_hash"),
    "require": ("onramp.auth.access", "require"),
    "signed_in": ("onramp.auth.access", "signed_in"),
    "still_open": ("onramp.auth.access", "still_open"),
    "set_session_cookies": ("onramp.auth.cookies", "set_session_cookies"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "CSRF_COOKIE",
    "CredentialStore",
    "CsrfTokenInvalid",
    "InsufficientScope",
    "InvalidToken",
    "LoginSessionRequired",
    "MfaEnrollmentRequired",
    "Permission",
    "PermissionDenied",
    "Principal",
    "REFRESH_COOKIE",
    "Role",
    "StaffMfaRequired",
    "StepUpRequired",
    "allowed",
    "check_csrf",
    "clear_session_cookies",
    "credential_store",
    "csrf_token",
    "delegable",
    "install_credential_store",
    "CredentialCache",
    "CredentialListener",
    "credential_cache",
    "listening_for_changes",
    "watched",
    "issue_access_token",
    "issue_client_token",
    "new_refresh_token",
    "refresh_token_hash",
    "require",
    "signed_in",
    "still_open",
    "require_recent_mfa",
    "require_step_up",
    "set_session_cookies",
]
