from __future__ import annotations

from onramp.core.errors import InvalidInput, NotFound, Unauthenticated


class InvalidWebhookSignature(Unauthenticated):
    code = "webhook_signature_invalid"
    title = "The webhook signature is missing, stale or wrong"


class MalformedBankNotification(InvalidInput):
    code = "bank_notification_malformed"
    title = "The bank notification could not be read"


class UnknownBank(NotFound):
    code = "unknown_bank"
    title = "No bank adapter is configured under this name"


class InvalidBankAccount(InvalidInput):
    code = "bank_account_invalid"
    title = "The bank account details are not valid"
