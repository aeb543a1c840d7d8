"""A customer's webhook endpoints: register (the URL checked, the secret returned once), list,
remove, rotate the secret, enable again after an automatic disable."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.keys import process_keyring
from onramp.webhooks.addresses import UrlPolicy, check_url
from onramp.webhooks.catalogue import EVENT_TYPES
from onramp.webhooks.errors import (
    WebhookEndpointLimit,
    WebhookEndpointNotFound,
    WebhookEventTypesInvalid,
)
from onramp.webhooks.models import WebhookEndpoint
from onramp.webhooks.schemas import WebhookCreate, WebhookCreated, WebhookOut
from onramp.webhooks.signing import new_secret


def secret_context(endpoint_id: uuid.UUID) -> bytes:
    return b"webhook-secret:" + endpoint_id.bytes


def endpoint_out(endpoint: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(
        id=endpoint.id,
        url=endpoint.url,
        event_types=list(endpoint.event_types),
        description=endpoint.description,
        status="active" if endpoint.status == "active" else "disabled",
        created_at=endpoint.created_at,
        secret_rotated_at=endpoint.secret_rotated_at,
        disabled_at=endpoint.disabled_at,
        disabled_reason=endpoint.disabled_reason,
    )


def _created(endpoint: WebhookEndpoint, secret: str) -> WebhookCreated:
    return WebhookCreated(**endpoint_out(endpoint).model_dump(), secret=secret)


def _event_types(asked: list[str]) -> list[str]:
    unknown = sorted(set(asked) - set(EVENT_TYPES))
    if unknown:
        raise WebhookEventTypesInvalid(f"unknown event types: {unknown[:5]}")
    return sorted(set(asked))


async def _audit(
    session: AsyncSession, user_id: uuid.UUID, action: str, endpoint_id: uuid.UUID
) -> None:
    await record(
        session,
        actor=f"user:{user_id}",
        action=action,
        entity_type="webhook_endpoint",
        entity_id=str(endpoint_id),
        data={},
    )


async def register_endpoint(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    body: WebhookCreate,
    policy: UrlPolicy,
    max_endpoints: int,
    now: datetime,
) -> WebhookCreated:
    event_types = _event_types(body.event_types)
    await check_url(body.url, policy)
    count = await session.scalar(
        select(func.count()).where(
            WebhookEndpoint.user_id == user_id, WebhookEndpoint.deleted_at.is_(None)
        )
    )
    if (count or 0) >= max_endpoints:
        raise WebhookEndpointLimit()
    endpoint_id, secret = uuid7(), new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        user_id=user_id,
        url=body.url,
        event_types=event_types,
        description=body.description,
        secret_sealed=process_keyring().seal(secret, context=secret_context(endpoint_id)),
        status="active",
        created_at=now,
    )
    session.add(endpoint)
    await session.flush()
    await _audit(session, user_id, "webhook.endpoint_created", endpoint_id)
    return _created(endpoint, secret)


async def own_endpoint(
    session: AsyncSession, *, user_id: uuid.UUID, endpoint_id: uuid.UUID, lock: bool = False
) -> WebhookEndpoint:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id,
        WebhookEndpoint.user_id == user_id,
        WebhookEndpoint.deleted_at.is_(None),
    )
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise WebhookEndpointNotFound()
    return found


async def own_endpoints(
    session: AsyncSession, *, user_id: uuid.UUID, limit: int, before: uuid.UUID | None
) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.user_id == user_id, WebhookEndpoint.deleted_at.is_(None)
    )
    if before is not None:
        query = query.where(WebhookEndpoint.id < before)
    return list(await session.scalars(query.order_by(WebhookEndpoint.id.desc()).limit(limit)))


async def delete_endpoint(
    session: AsyncSession, *, user_id: uuid.UUID, endpoint_id: uuid.UUID, now: datetime
) -> None:
    """Removed from the customer's view and sent nothing more; its delivery log stays."""
    endpoint = await own_endpoint(session, user_id=user_id, endpoint_id=endpoint_id, lock=True)
    endpoint.deleted_at, endpoint.status = now, "disabled"
    await _audit(session, user_id, "webhook.endpoint_deleted", endpoint_id)


async def rotate_secret(
    session: AsyncSession, *, user_id: uuid.UUID, endpoint_id: uuid.UUID, now: datetime
) -> WebhookCreated:
    """A new secret signs every request from now on; the old one stops at once."""
    endpoint = await own_endpoint(session, user_id=user_id, endpoint_id=endpoint_id, lock=True)
    secret = new_secret()
    endpoint.secret_sealed = process_keyring().seal(secret, context=secret_context(endpoint.id))
    endpoint.secret_rotated_at = now
    await _audit(session, user_id, "webhook.secret_rotated", endpoint_id)
    return _created(endpoint, secret)


async def enable_endpoint(
    session: AsyncSession, *, user_id: uuid.UUID, endpoint_id: uuid.UUID, policy: UrlPolicy
) -> WebhookOut:
    endpoint = await own_endpoint(session, user_id=user_id, endpoint_id=endpoint_id, lock=True)
    await check_url(endpoint.url, policy)
    endpoint.status, endpoint.disabled_at, endpoint.disabled_reason = "active", None, None
    endpoint.failing_since = None
    await _audit(session, user_id, "webhook.endpoint_enabled", endpoint_id)
    return endpoint_out(endpoint)


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return process_keyring().open(endpoint.secret_sealed, context=secret_context(endpoint.id))
