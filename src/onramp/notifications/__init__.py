"""Notifications to people: emails queued with the change they report, sent by the mailer."""

from onramp.notifications.service import enqueue_email

__all__ = ["enqueue_email"]
