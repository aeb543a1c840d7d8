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
    # An order's steps (orders/customer_emails.py). What a hold is about is never said.
    "order_deposit_instructions": Template(
        subject="Pay {amount} to complete order {order}",
        body=(
            "Hello {name},\n\n"
            "To receive {usdc} USDC at {address}, transfer {amount} to:\n\n"
            "  Account holder: {holder}\n"
            "{pay_to}"
            "  Reference: {reference}\n\n"
            "Write the reference exactly as shown: it is how we know the money is yours.\n"
        ),
    ),
    "order_funds_received": Template(
        subject="We received {amount} for order {order}",
        body=(
            "Hello {name},\n\n"
            "Your transfer of {amount} for order {order} arrived. We are converting it to\n"
            "USDC now and will tell you when it is sent.\n"
        ),
    ),
    "order_usdc_sent": Template(
        subject="{usdc} USDC sent for order {order}",
        body=(
            "Hello {name},\n\n"
            "{usdc} USDC for order {order} is on its way to {address}.\n"
            "Transaction: {tx_hash}\n\n"
            "It is final once the network has confirmed it; we will tell you.\n"
        ),
    ),
    "order_completed": Template(
        subject="Order {order} is complete",
        body=(
            "Hello {name},\n\n"
            "{usdc} USDC arrived at {address} and the transaction is confirmed.\n"
            "Transaction: {tx_hash}\n"
        ),
    ),
    "order_held": Template(
        subject="Order {order} is being reviewed",
        body=(
            "Hello {name},\n\n"
            "Order {order} needs a review by our team before it can go on. You do not need to\n"
            "do anything now; we will write to you when it moves.\n"
        ),
    ),
    "order_refunded": Template(
        subject="Your money for order {order} was sent back",
        body=(
            "Hello {name},\n\n"
            "We sent {amount} for order {order} back to the account it came from. Banks take\n"
            "up to two working days to show it.\n"
        ),
    ),
    "webhook_disabled": Template(
        subject="Your webhook endpoint was disabled",
        body=(
            "Hello {name},\n\n"
            "Every delivery to your webhook endpoint {url} has failed since {since}, so we\n"
            "stopped calling it. Fix the endpoint, then enable it again (POST\n"
            "/v1/me/webhooks/{{id}}/enable) and replay what it missed from its delivery log.\n"
        ),
    ),
    "order_failed": Template(
        subject="Order {order} could not be completed",
        body=(
            "Hello {name},\n\n"
            "We could not send the USDC for order {order}. Our team has been told and will\n"
            "either send it again or return your money; you do not need to do anything.\n"
        ),
    ),
}


def render(template: str, params: dict[str, str], *, language: str = "en") -> tuple[str, str]:
    """The subject and body of ``template`` filled with ``params``."""
    found = TEMPLATES[template]
    return found.subject.format(**params), found.body.format(**params)
