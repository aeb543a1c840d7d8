from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound, Unauthenticated


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


class BankAccountNotFound(NotFound):
    code = "bank_account_not_found"
    title = "Bank account not found"


class BankAccountExists(Conflict):
    code = "bank_account_exists"
    title = "This bank account is already saved"
