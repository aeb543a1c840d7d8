"""The access kit's errors: stable codes, no HTTP (the API edge maps them)."""

from __future__ import annotations

from onramp.core.errors import Forbidden, Unauthenticated


class InvalidToken(Unauthenticated):
    code = "invalid_token"
    title = "The access token is missing, expired or invalid"


class PermissionDenied(Forbidden):
    code = "permission_denied"
    title = "Your role does not allow this"


class StepUpRequired(Forbidden):
    code = "step_up_required"
    title = "Confirm with your second factor first (POST /v1/auth/step-up)"


class MfaEnrollmentRequired(Forbidden):
    code = "mfa_enrollment_required"
    title = "This needs two-factor authentication; enrol an authenticator app first"


class StaffMfaRequired(Forbidden):
    # Staff can sign in without a second factor only to enrol one.
    code = "staff_mfa_required"
    title = "Staff accounts need two-factor authentication: enrol, then sign in with it"


class InsufficientScope(Forbidden):
    # RFC 6750 section 3.1: the role allows it, the API key (or its token) was not given it.
    code = "insufficient_scope"
    title = "The API key does not carry the scope this needs"


class LoginSessionRequired(Forbidden):
    code = "login_session_required"
    title = "This needs a person's login session; API keys cannot do it"


class CsrfTokenInvalid(Forbidden):
    # A cookie-authenticated request that changes state must prove it comes from our own page.
    code = "csrf_token_invalid"
    title = "Send the session's X-CSRF-Token with requests authenticated by cookie"
