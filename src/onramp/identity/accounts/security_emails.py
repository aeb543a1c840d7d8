"""What a customer is told about their account's security and verification, by email: a login
from a new device, a second factor enrolled or removed, the password or the email address
changed, an API key created or revoked, the KYC decision.

A durable consumer of those events (``account_emails``, run by the mailer worker): each event is
handled once (the consumer's inbox makes a redelivered one a no-op) and its email queued in the
same transaction, in the customer's language; customers who turned email off get none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent, subject_for
from onramp.core.settings import Settings
from onramp.identity.accounts.recipients import email_recipients
from onramp.identity.security_events import (
    API_KEY_CREATED,
    API_KEY_REVOKED,
    EMAIL_CHANGED,
    MFA_ENROLLED,
    MFA_REMOVED,
    NEW_DEVICE_LOGIN,
    PASSWORD_CHANGED,
)
from onramp.notifications import enqueue_email

CONSUMER = "account_emails"
KYC_CASE_DECIDED = subject_for("kyc", "case_decided")  # kyc's event (kyc/decision_events.py)
TEMPLATES = {
    NEW_DEVICE_LOGIN: "security_new_device_login",
    MFA_ENROLLED: "security_mfa_enrolled",
    MFA_REMOVED: "security_mfa_removed",
    PASSWORD_CHANGED: "password_changed",
    EMAIL_CHANGED: "email_changed",
    API_KEY_CREATED: "security_api_key_created",
    API_KEY_REVOKED: "security_api_key_revoked",
}
KYC_TEMPLATES = {"approved": "kyc_approved", "rejected": "kyc_rejected"}


def template_for(event: CloudEvent) -> str | None:
    if event.type == KYC_CASE_DECIDED:
        return KYC_TEMPLATES.get(str(event.data.get("status")))
    return TEMPLATES.get(event.type)


def _params(event: CloudEvent) -> dict[str, str]:
    data = event.data
    return {
        "at": event.time.strftime("%Y-%m-%d %H:%M UTC"),
        "device": str(data.get("device", "")),
        "ip": str(data.get("ip", "")),
        "key_name": str(data.get("name", "")),
        "prefix": str(data.get("prefix", "")),
        "tier": str(data.get("tier", "")),
    }


async def tell_account_owners(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    told = [(e, t) for e in events if (t := template_for(e)) is not None and "user_id" in e.data]
    if not told:
        return
    recipients = await email_recipients(session, {uuid.UUID(e.data["user_id"]) for e, _ in told})
    now = utcnow()
    for event, template in told:
        to = recipients.get(uuid.UUID(event.data["user_id"]))
        if to is None:
            continue
        await enqueue_email(
            session,
            to=to.email,
            template=template,
            params={"name": to.name} | _params(event),
            now=now,
            user_id=to.user_id,
            language=to.language,
        )


def account_emails_consumer(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Consumer:
    subjects = (*TEMPLATES, KYC_CASE_DECIDED)
    return Consumer(CONSUMER, subjects, tell_account_owners)
