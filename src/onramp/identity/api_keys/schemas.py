from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from onramp.auth import Permission
from onramp.core.paging import Paged
from onramp.core.request_fields import Text

# A bound on the input, not the policy: the configured maximum (api_keys.max_rotation_grace_seconds,
# a day by default) is checked by the service with its own error.
MAX_GRACE_SECONDS = 366 * 24 * 3600


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=100, examples=["treasury-bot"])
    scopes: list[Permission] = Field(
        min_length=1,
        max_length=len(Permission),
        description="Delegable permissions of your role, e.g. quotes:create, orders:create, "
        "orders:read_own, profile:manage_own. sessions:manage_own, api_keys:manage_own, "
        "users:manage and approvals:decide are never delegable.",
    )
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="At most ONRAMP_API_KEYS__MAX_TTL_DAYS (365) away; that maximum if omitted.",
    )


class ApiKeyRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_period_seconds: int = Field(
        default=0,
        ge=0,
        le=MAX_GRACE_SECONDS,
        description="How long the old secret keeps working (0: stops at once); at most "
        "ONRAMP_API_KEYS__MAX_ROTATION_GRACE_SECONDS (86400).",
    )
    expires_at: AwareDatetime | None = Field(
        default=None, description="Expiry of the new key; the maximum if omitted."
    )


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="Public: shown in lists; the OAuth client_id")
    scopes: list[str]
    status: Literal["active", "rotating", "revoked", "expired"] = Field(
        description="rotating: replaced, the old secret works until revoked_at"
    )
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Accurate to about a minute")
    last_used_ip: str | None
    revoked_at: datetime | None = Field(description="When the key stops or stopped working")
    revoked_reason: str | None
    rotated_from: uuid.UUID | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(
        description="The full key, shown this once and stored only as a hash. Send it as "
        "`Authorization: Bearer <key>`, or as client_secret (with client_id = prefix) at "
        "POST /v1/oauth/token."
    )


class ApiKeyList(Paged):
    data: list[ApiKeyOut]


class ClientCredentialsTokenOut(BaseModel):
    """RFC 6749 section 5.1."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the OAuth token type
    expires_in: int = Field(description="Seconds the access token is valid")
    scope: str = Field(description="The granted scopes, space-separated")
