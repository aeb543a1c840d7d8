"""Events about an account's security, written to the outbox with the change: a login from a
new device, a second factor enrolled or removed, a password or email address changed, an API key
created or revoked. The mailer's
``account_emails`` consumer tells the account's owner (``accounts/security_emails.py``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.events import subject_for
from onramp.core.outbox import emit

SOURCE = "onramp/identity"
NEW_DEVICE_LOGIN = subject_for("identity", "new_device_login")
MFA_ENROLLED = subject_for("identity", "mfa_enrolled")
API_KEY_CREATED = subject_for("identity", "api_key_created")
API_KEY_REVOKED = subject_for("identity", "api_key_revoked")
MFA_REMOVED = subject_for("identity", "mfa_removed")
PASSWORD_CHANGED = subject_for("identity", "password_changed")
EMAIL_CHANGED = subject_for("identity", "email_changed")
SECURITY_SUBJECTS = (
    NEW_DEVICE_LOGIN,
    MFA_ENROLLED,
    MFA_REMOVED,
    PASSWORD_CHANGED,
    EMAIL_CHANGED,
    API_KEY_CREATED,
    API_KEY_REVOKED,
)


async def announce(session: AsyncSession, subject: str, user_id: uuid.UUID, **data: Any) -> None:
    await emit(
        session,
        subject,
        {"user_id": str(user_id), **data},
        source=SOURCE,
        entity_id=str(user_id),
    )
