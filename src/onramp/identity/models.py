from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, LargeBinary, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base
from onramp.core.keys import sealed_str


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Personal data is stored sealed (AES-256-GCM, core/keys): columns email_sealed,
    # full_name_sealed. The email is set lower-cased (normalise_email); its blind index
    # (email_index, unique) makes "Ann@x" and "ann@x" one account and finds it by equality.
    email = sealed_str(blind_index="users.email")
    full_name = sealed_str()
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30), default="customer", server_default="customer")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # GDPR erasure: set when the person's identity data was pseudonymised in place.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the person proved the mailbox is theirs (the link in the verification email).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an admin deactivated the account (staff who left): no sign-in, no session, no
    # API key works from the next request on (identity/staff/deactivation.py).
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set while support holds the customer's account (a suspected takeover, a dispute): no new
    # quote or order until it is lifted; signing in and reading stay (identity/staff/freezing.py).
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    frozen_reason: Mapped[str | None] = mapped_column(String(500))
    frozen_by: Mapped[uuid.UUID | None]

    @property
    def may_sign_in(self) -> bool:
        return self.erased_at is None and self.deactivated_at is None


class AuthSession(Base):
    """A login: one refresh-token family. Revoking it ends every token it issued."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(50))
    ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(300))
    # When this session last proved a second factor (login or step-up); None: password only.
    mfa_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    risk_signals: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")


class RefreshToken(Base):
    """Every refresh token a session was given, by hash. A used one presented again is theft."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed logins per account (by a hash of the email, known or not) and per IP."""

    __tablename__ = "login_throttles"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # "account" | "ip"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserPreferences(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    display_currency: Mapped[str] = mapped_column(String(10))
    default_fiat_currency: Mapped[str] = mapped_column(String(10))
    notification_channels: Mapped[list[str]] = mapped_column(JSONB)
    language: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TotpFactor(Base):
    """A user's authenticator app. The secret is stored sealed (column secret_sealed)."""

    __tablename__ = "mfa_totp"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    secret = sealed_str(row_id="user_id")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last accepted 30-second step: a code is good once (RFC 6238 section 5.2).
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(Base):
    __tablename__ = "mfa_recovery_codes"

    code_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MfaChallenge(Base):
    """A password-verified login waiting for its second factor."""

    __tablename__ = "mfa_challenges"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    user_id: Mapped[uuid.UUID]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApprovalRequest(Base):
    """An action waiting for a second, different authorised person (four eyes)."""

    __tablename__ = "approval_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending|approved|rejected
    requested_by: Mapped[uuid.UUID]
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class EmailToken(Base):
    """A single-use secret sent by email: verify the address, reset the password, or confirm a
    new address. Only its hash is stored; ``payload_sealed`` holds what it confirms (the new
    address of an email change), encrypted."""

    __tablename__ = "email_tokens"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # verify_email | reset_password | change_email
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    payload_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class ApiKey(Base):
    """A corporate client's key. The secret is shown once and kept only as a SHA-256 hash; the
    public ``prefix`` (``onr_live_…``) names the key in lists, logs and as the OAuth client id."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(40), unique=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary)
    # Permission values; checked against the owner's role again on every use.
    scopes: Mapped[list[str]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_ip: Mapped[str | None] = mapped_column(String(64))
    # When the key stops (or stopped) working: set to now on revocation, to the end of the
    # grace period when it is rotated.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(20))  # revoked | rotated
    rotated_from: Mapped[uuid.UUID | None]

    __table_args__ = (
        CheckConstraint("octet_length(secret_hash) = 32", name="secret_hash_is_sha256"),
        CheckConstraint("jsonb_typeof(scopes) = 'array'", name="scopes_is_array"),
        CheckConstraint(
            "expires_at IS NULL OR expires_at > created_at", name="expires_after_created"
        ),
    )
