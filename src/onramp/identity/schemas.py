from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from onramp.core.paging import Paged
from onramp.core.request_fields import Text


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Text = Field(min_length=1, max_length=256)
    full_name: Text = Field(min_length=1, max_length=200)


COOKIE_SESSION = Field(
    default=False,
    description="For the browser: set the tokens as HttpOnly cookies instead of returning them; "
    "then send X-CSRF-Token (from the answer or the __Host-onramp_csrf cookie) with every "
    "state-changing request.",
)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Text = Field(min_length=1, max_length=256)
    cookie_session: bool = COOKIE_SESSION


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Text | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Omit for a cookie session: the refresh cookie is used (with X-CSRF-Token)",
    )


class CookieSessionOut(BaseModel):
    """A browser login: the tokens are in HttpOnly cookies, never in the page."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    expires_in: int = Field(description="Seconds the access cookie is valid; then refresh")
    csrf_token: str = Field(description="Send as X-CSRF-Token with POST, PUT, PATCH, DELETE")


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    email_verified: bool = Field(description="Orders need a verified email address")
    mfa_enabled: bool
    created_at: datetime


class EmailTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Text = Field(min_length=1, max_length=200, description="From the link in the email")


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Text = Field(min_length=1, max_length=200)
    new_password: Text = Field(min_length=1, max_length=256)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Text = Field(min_length=1, max_length=256)
    new_password: Text = Field(min_length=1, max_length=256)


class EmailChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_email: EmailStr
    current_password: Text = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str = Field(
        description="Single use: exchange it at /v1/auth/refresh for a new pair. Using one twice "
        "revokes the session."
    )
    session_id: uuid.UUID
    user_id: uuid.UUID


class SessionOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None
    ip: str
    user_agent: str
    risk_signals: list[str] = Field(
        description="new_ip, new_device, many_accounts_from_ip, failed_login_velocity"
    )
    current: bool


class SessionList(Paged):
    data: list[SessionOut]


class PreferencesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_currency: Text = Field(default="EUR", max_length=10, examples=["EUR"])
    default_fiat_currency: Text = Field(default="EUR", max_length=10, examples=["EUR"])
    notification_channels: list[Annotated[Text, Field(max_length=20)]] = Field(
        default=["email"], description="Any of: email, webhook", max_length=5
    )
    language: Text = Field(
        default="en", max_length=10, description="en, de, fr, es, it, nl, pt or pl"
    )


class MfaRequiredOut(BaseModel):
    """The password was right; finish the login at POST /v1/auth/mfa with a second factor."""

    mfa_required: bool = True
    mfa_token: str
    expires_in: int


class SecondFactor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Text | None = Field(
        default=None, max_length=12, description="6-digit code from the authenticator app"
    )
    recovery_code: Text | None = Field(
        default=None, max_length=64, description="One of the recovery codes"
    )


class MfaLoginRequest(SecondFactor):
    mfa_token: Text = Field(min_length=1, max_length=200)
    cookie_session: bool = COOKIE_SESSION


class TotpEnrolmentOut(BaseModel):
    secret: str = Field(description="Base32 secret, for apps that cannot scan the QR code")
    otpauth_uri: str = Field(description="Render as a QR code for the authenticator app")
    qr_svg: str = Field(
        description="The otpauth URI as a QR code: an SVG data URI for an <img src>, so the "
        "secret never goes to a third-party QR service"
    )


class TotpConfirmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=6, max_length=6)


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once; each works once")
