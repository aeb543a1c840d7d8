"""The emails onramp sends: a subject and a plain-text body per template, in English here and
in German (``templates_de``), chosen by the customer's language preference (English where no
translation exists); the HTML part is drawn from the filled-in text (``html.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from onramp.notifications.html import html_body
from onramp.notifications.template_kinds import Template
from onramp.notifications.templates_de import TEMPLATES_DE

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
    # The account's security and KYC (identity/accounts/security_emails.py).
    "security_new_device_login": Template(
        subject="New sign-in to your onramp account",
        body=(
            "Hello {name},\n\n"
            "Your onramp account was signed in to from a device it had not seen before,\n"
            "at {at}:\n\n"
            "  Device: {device}\n"
            "  IP address: {ip}\n\n"
            "If this was you, there is nothing to do. If not, change your password at once,\n"
            "end the sessions you do not know (Security in your account) and contact support.\n"
        ),
    ),
    "security_mfa_enrolled": Template(
        subject="Two-factor authentication is on",
        body=(
            "Hello {name},\n\n"
            "An authenticator app was set up as the second factor of your onramp account at\n"
            "{at}. Keep your recovery codes somewhere safe. If this was not you, contact\n"
            "support at once.\n"
        ),
    ),
    "security_mfa_removed": Template(
        subject="Two-factor authentication was turned off",
        body=(
            "Hello {name},\n\n"
            "The authenticator app was removed from your onramp account at {at}: signing in\n"
            "now needs only your password. If this was not you, reset your password at once\n"
            "and contact support.\n"
        ),
    ),
    "email_changed": Template(
        subject="Your sign-in email address was changed",
        body=(
            "Hello {name},\n\n"
            "This address became the sign-in email address of your onramp account at {at}.\n"
            "If you did not ask for this, contact support at once.\n"
        ),
    ),
    "security_api_key_created": Template(
        subject="A new API key was created",
        body=(
            "Hello {name},\n\n"
            'The API key "{key_name}" ({prefix}) was created for your onramp account at {at}.\n'
            "If this was not you, revoke it in your account and contact support.\n"
        ),
    ),
    "security_api_key_revoked": Template(
        subject="An API key was revoked",
        body=(
            "Hello {name},\n\n"
            'The API key "{key_name}" ({prefix}) of your onramp account was revoked at {at};\n'
            "it no longer works.\n"
        ),
    ),
    "kyc_approved": Template(
        subject="Your identity is verified",
        body=(
            "Hello {name},\n\n"
            "We verified your identity (level {tier}). You can now buy USDC within the limits\n"
            "of your level.\n"
        ),
    ),
    "kyc_rejected": Template(
        subject="We could not verify your identity",
        body=(
            "Hello {name},\n\n"
            "We could not verify your identity, so your account cannot place orders. If you\n"
            "think this is a mistake, contact support.\n"
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
    # To staff (ONRAMP_COMPLIANCE__REPORT_EMAIL_TO), once a day (reports/mailing.py).
    "staff_report": Template(
        subject="onramp {report} report for {day}",
        body=(
            "Hello {name},\n\n"
            "the {report} report for {day} (UTC) has {rows} rows; here it is as CSV:\n\n"
            "{table}\n\n"
            "The back office's reports page shows it with a chart and as PDF.\n"
        ),
    ),
}


TRANSLATIONS: Final[dict[str, dict[str, Template]]] = {"en": TEMPLATES, "de": TEMPLATES_DE}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: str


def render(template: str, params: dict[str, str], *, language: str = "en") -> tuple[str, str]:
    """The subject and plain-text body of ``template`` filled with ``params``."""
    rendered = render_email(template, params, language=language)
    return rendered.subject, rendered.text


def render_email(template: str, params: dict[str, str], *, language: str = "en") -> RenderedEmail:
    """``template`` in ``language`` (English where it has no translation), text and HTML."""
    chosen = language if template in TRANSLATIONS.get(language, {}) else "en"
    found = TRANSLATIONS[chosen][template]
    subject, text = found.subject.format(**params), found.body.format(**params)
    return RenderedEmail(subject, text, html_body(subject, text, language=chosen), chosen)
