"""Email over SMTP: the devstack's mail sandbox locally, a provider's SMTP relay in production.

smtplib is blocking, so each send runs in a thread; one connection per message keeps failure
handling simple at the rates onramp sends (sign-ups, resets), far below a relay's limits.
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from onramp.core.settings import NotificationSettings


class DeliveryFailed(Exception):
    """``permanent``: the relay refused for good (unknown mailbox); retrying will not help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class Email:
    message_id: str
    to: str
    subject: str
    body: str
    html: str | None = None  # the alternative part for mail clients that show HTML


class EmailSender(Protocol):
    async def send(self, email: Email) -> None: ...


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class SmtpSender:
    def __init__(self, settings: NotificationSettings) -> None:
        if not settings.smtp_host or not settings.smtp_port:
            raise ValueError("ONRAMP_NOTIFICATIONS__SMTP_HOST and __SMTP_PORT are not set")
        self._settings = settings

    def _message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.from_address
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        # Stable per queued email: a re-send after a crash can be recognised downstream.
        message["Message-ID"] = f"<{email.message_id}@onramp>"
        message.set_content(email.body)
        if email.html is not None:
            message.add_alternative(email.html, subtype="html")
        return message

    def _send_blocking(self, email: Email) -> None:
        s = self._settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
                smtp.send_message(self._message(email))
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise DeliveryFailed(f"{code} {_text(reply)}", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise DeliveryFailed(reason, permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=False) from exc

    async def send(self, email: Email) -> None:
        await asyncio.to_thread(self._send_blocking, email)
