"""The emails onramp sends, as plain text. One language today (English); a template per
language joins the table when the web UI is translated, chosen by the user's preference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


TEMPLATES: Final[dict[str, Template]] = {
    "verify_email": Template(
        subject="Confirm your email address",
        body=(
            "Hello {name},\n\n"
            "Please confirm that this is your email address by opening this link:\n\n"
            "{link}\n\n"
            "The link works once and expires at {expires_at}.\n"
            "If you did not create an onramp account, ignore this email.\n"
        ),
    ),
    "password_reset": Template(
        subject="Reset your password",
        body=(
            "Hello {name},\n\n"
            "Someone asked to reset the password of your onramp account. To choose a new one,\n"
            "open this link:\n\n"
            "{link}\n\n"
            "The link works once and expires at {expires_at}. Resetting the password signs\n"
            "you out everywhere. If it was not you, ignore this email: nothing has changed.\n"
        ),
    ),
    "password_changed": Template(
        subject="Your password was changed",
        body=(
            "Hello {name},\n\n"
            "The password of your onramp account was changed at {at}, and other sessions\n"
            "were signed out. If this was not you, reset your password at once and contact\n"
            "support.\n"
        ),
    ),
    "email_change_confirm": Template(
        subject="Confirm your new email address",
        body=(
            "Hello {name},\n\n"
            "To make this the email address of your onramp account, open this link:\n\n"
            "{link}\n\n"
            "The link works once and expires at {expires_at}.\n"
        ),
    ),
    "email_change_requested": Template(
        subject="A change of your email address was requested",
        body=(
            "Hello {name},\n\n"
            "Someone signed in to your onramp account asked to change its email address to\n"
            "{new_email}. The change happens only when that address is confirmed. If this was\n"
            "not you, reset your password and contact support.\n"
        ),
    ),
}


def render(template: str, params: dict[str, str]) -> tuple[str, str]:
    """The subject and body of ``template`` filled with ``params``."""
    found = TEMPLATES[template]
    return found.subject, found.body.format(**params)
