"""Identity's errors; the access kit's own (tokens, permissions, step-up, CSRF) live in
``auth.errors`` and are re-exported here for identity's modules."""

from __future__ import annotations

from typing import ClassVar

from onramp.auth import CsrfTokenInvalid as CsrfTokenInvalid
from onramp.auth import InsufficientScope as InsufficientScope
from onramp.auth import InvalidToken as InvalidToken
from onramp.auth import LoginSessionRequired as LoginSessionRequired
from onramp.auth import MfaEnrollmentRequired as MfaEnrollmentRequired
from onramp.auth import PermissionDenied as PermissionDenied
from onramp.auth import StaffMfaRequired as StaffMfaRequired
from onramp.auth import StepUpRequired as StepUpRequired
from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated


class EmailTaken(Conflict):
    code = "email_taken"
    title = "An account with this email already exists"


class WeakPassword(InvalidInput):
    code = "password_too_weak"
    title = "Password does not meet the policy"


class InvalidCredentials(Unauthenticated):
    # One error for unknown email and wrong password, so a caller cannot probe for accounts.
    code = "invalid_credentials"
    title = "Email or password is wrong"


class InvalidRefreshToken(Unauthenticated):
    code = "invalid_refresh_token"
    title = "The refresh token is unknown, expired or revoked"


class RefreshTokenReused(Unauthenticated):
    # A refresh token may be used once. Seeing it twice means it was copied: the whole session
    # is revoked, for the thief and the customer alike, and the customer logs in again.
    code = "refresh_token_reused"
    title = "This refresh token was already used; the session has been revoked"


class RefreshTokenSuperseded(Unauthenticated):
    # Two tabs renewing at once: one exchange wins, the other's token was used a moment ago.
    # Refused, and nothing is revoked; the newer token (the browser's cookie) keeps working.
    code = "refresh_token_superseded"
    title = "This refresh token was just exchanged by another request; use the newer one"


class SessionNotFound(NotFound):
    code = "session_not_found"
    title = "Session not found"


class InvalidMfaCode(Unauthenticated):
    code = "invalid_mfa_code"
    title = "The code is wrong, expired or already used"


class MfaAlreadyEnabled(Conflict):
    code = "mfa_already_enabled"
    title = "Two-factor authentication is already enabled"


class StaffMfaKept(Conflict):
    code = "staff_mfa_kept"
    title = "Staff accounts keep their second factor: their powers need it"


class MfaNotEnrolled(Conflict):
    code = "mfa_not_enrolled"
    title = "Start enrolment first"


class InvalidEmailToken(InvalidInput):
    # One error for unknown, used, expired or wrong-purpose tokens: nothing to probe.
    code = "invalid_email_token"
    title = "The link is invalid, expired or already used"


class EmailNotVerified(Forbidden):
    code = "email_not_verified"
    title = "Confirm your email address first (see the email we sent)"


class EmailAlreadyVerified(Conflict):
    code = "email_already_verified"
    title = "The email address is already verified"


class CurrentPasswordIncorrect(Forbidden):
    code = "current_password_incorrect"
    title = "The current password is not right"


class InvalidApiKey(Unauthenticated):
    # One error for unknown, wrong, expired and revoked keys: the caller learns nothing more.
    code = "invalid_api_key"
    title = "The API key is unknown, wrong, expired or revoked"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "API key not found"


class ApiKeyScopeNotAllowed(Forbidden):
    code = "api_key_scope_not_allowed"
    title = "An API key may only carry delegable permissions of its owner's role"


class ApiKeyExpiryInvalid(InvalidInput):
    code = "api_key_expiry_invalid"
    title = "The expiry must lie in the future and within the allowed maximum"


class ApiKeyInactive(Conflict):
    code = "api_key_inactive"
    title = "The API key is revoked, rotated or expired"


class OAuthError(InvalidInput):
    """RFC 6749 section 5.2 errors of the token endpoint; ``code`` is the RFC's ``error``."""

    oauth_error: ClassVar[str] = "invalid_request"
    code = "invalid_request"
    title = "The token request is malformed"


class OAuthInvalidClient(Unauthenticated):
    oauth_error: ClassVar[str] = "invalid_client"
    code = "invalid_client"
    title = "Client authentication failed"


class OAuthInvalidGrant(OAuthError):
    oauth_error = "invalid_grant"
    code = "invalid_grant"
    title = "The client's owner may no longer obtain tokens with this key"


class OAuthInvalidScope(OAuthError):
    oauth_error = "invalid_scope"
    code = "invalid_scope"
    title = "The requested scope is unknown or exceeds the key's scopes"


class OAuthUnsupportedGrantType(OAuthError):
    oauth_error = "unsupported_grant_type"
    code = "unsupported_grant_type"
    title = "Only grant_type=client_credentials is supported"


class RotationGraceTooLong(InvalidInput):
    code = "api_key_grace_too_long"
    title = "The rotation grace period is longer than allowed"


class AccountDeactivated(Forbidden):
    """The password was right, but an admin deactivated the account."""

    code = "account_deactivated"
    title = "This account is deactivated; ask an administrator"
