"""Deliver each queued change of an alert to its channel, at least once: a failure is retried
with exponential backoff (``backoff_seconds`` doubling, capped at an hour); after
``max_attempts`` the delivery is kept as a dead letter (``dead``, with the last error).

- ``webhook``: the alert as JSON, signed ``X-Onramp-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
  "<t>." + body>`` with the channel's secret (``core/webhook_signatures.py``), ``X-Onramp-Delivery``
  its id (stable across retries: a receiver deduplicates on it);
- ``slack``: a Slack-compatible incoming webhook, ``{"text": "..."}``;
- ``email``: through the SMTP adapter (the mail sandbox in development), ``Message-ID`` the
  delivery's id.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.alerts.models import AlertDelivery, DeliveryStatus
from onramp.core.errors import OnrampError
from onramp.core.logging import get_logger
from onramp.core.settings import AlertChannelSettings, Settings
from onramp.core.webhook_signatures import signature_for
from onramp.notifications import DeliveryFailed, Email, SmtpSender
from onramp.webhooks import UrlPolicy, check_url

log = get_logger(__name__)
MAX_BACKOFF = timedelta(hours=1)
SIGNATURE_HEADER = "X-Onramp-Signature"


class ChannelFailed(Exception):
    pass


def backoff(attempts: int, base_seconds: float) -> timedelta:
    return min(timedelta(seconds=base_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)


def text_of(payload: dict[str, Any]) -> str:
    """One line a person reads on a phone."""
    head = "RESOLVED" if payload["event"] == "resolved" else payload["severity"].upper()
    return (
        f"[{head}] {payload['rule']} ({payload['group']}): {payload['summary']} "
        f"- runbook: {payload['runbook']}"
    )


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> None:
    try:
        answer = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ChannelFailed(f"{type(exc).__name__}: {exc}") from exc
    if answer.status_code >= 300:
        raise ChannelFailed(f"HTTP {answer.status_code}: {answer.text[:200]}")


async def _reachable(url: str, settings: Settings) -> None:
    """The webhooks' SSRF check before each post: in production (no private addresses
    allowed) only https to public addresses, so a channel URL, or a name it resolves to, can
    never make the alerts worker call an internal service."""
    try:
        await check_url(url, UrlPolicy(allow_private=settings.webhooks.allow_private))
    except OnrampError as exc:
        raise ChannelFailed(f"{exc.code}: {exc.detail}") from exc


async def send(
    delivery: AlertDelivery,
    channel: AlertChannelSettings,
    settings: Settings,
    client: httpx.AsyncClient,
    now: datetime,
) -> None:
    payload = delivery.payload
    if channel.kind == "email":
        email = Email(str(delivery.id), channel.to, text_of(payload)[:200], text_of(payload))
        try:
            await SmtpSender(settings.notifications).send(email)
        except (DeliveryFailed, ValueError) as exc:
            raise ChannelFailed(str(exc)) from exc
        return
    await _reachable(channel.url, settings)
    headers = {"Content-Type": "application/json", "X-Onramp-Delivery": str(delivery.id)}
    if channel.kind == "slack":
        await _post(client, channel.url, orjson.dumps({"text": text_of(payload)}), headers)
        return
    body = orjson.dumps(payload)
    stamp = int(now.timestamp())
    signature = signature_for(channel.secret.get_secret_value().encode(), stamp, body)
    await _post(
        client, channel.url, body, {**headers, SIGNATURE_HEADER: f"t={stamp},v1={signature}"}
    )


def _failed(delivery: AlertDelivery, error: str, settings: Settings, now: datetime) -> None:
    delivery.last_error = error[:300]
    if delivery.attempts >= settings.alerts.max_attempts:
        delivery.status = DeliveryStatus.DEAD.value
        log.error("alerts.delivery_dead", delivery_id=str(delivery.id), channel=delivery.channel)
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts, settings.alerts.backoff_seconds)
        log.info("alerts.delivery_retry", delivery_id=str(delivery.id), attempts=delivery.attempts)


async def deliver_due(
    session: AsyncSession, settings: Settings, now: datetime, *, limit: int = 50
) -> int:
    """Try every due delivery once (rows locked, SKIP LOCKED: several workers share them);
    how many were tried."""
    due = list(
        await session.scalars(
            select(AlertDelivery)
            .where(
                AlertDelivery.status == DeliveryStatus.QUEUED.value,
                AlertDelivery.next_attempt_at <= now,
            )
            .order_by(AlertDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    channels = {c.name: c for c in settings.alerts.channels}
    async with httpx.AsyncClient(timeout=settings.alerts.request_timeout_seconds) as client:
        for delivery in due:
            delivery.attempts += 1
            channel = channels.get(delivery.channel)
            try:
                if channel is None:
                    raise ChannelFailed(f"channel {delivery.channel!r} is no longer configured")
                await send(delivery, channel, settings, client, now)
            except ChannelFailed as exc:
                _failed(delivery, str(exc), settings, now)
                continue
            delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
            log.info("alerts.delivered", delivery_id=str(delivery.id), channel=delivery.channel)
    await session.flush()
    return len(due)
