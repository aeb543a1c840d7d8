"""Notifications to people: emails queued with the change they report, sent by the mailer."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
from onramp.notifications.service import enqueue_email

if TYPE_CHECKING:
    from onramp.notifications.adapters.smtp import DeliveryFailed as DeliveryFailed
    from onramp.notifications.adapters.smtp import Email as Email
    from onramp.notifications.adapters.smtp import SmtpSender as SmtpSender
    from onramp.notifications.worker import run_mailer as run_mailer

_LAZY = {
    "DeliveryFailed": ("onramp.notifications.adapters.smtp", "DeliveryFailed"),
    "Email": ("onramp.notifications.adapters.smtp", "Email"),
    "SmtpSender": ("onramp.notifications.adapters.smtp", "SmtpSender"),
    "run_mailer": ("onramp.notifications.worker", "run_mailer"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "DeliveryFailed",
    "Email",
    "SmtpSender",
    "enqueue_email",
    "run_mailer",
]
