from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound, Unauthenticated, Unavailable


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


class BankUnavailable(Unavailable):
    code = "bank_unavailable"
    title = "The bank could not be reached or refused the payment; try again later"


class BankRefused(BankUnavailable):
    """The bank was not asked, or answered no for good (a 4xx it would answer again): nothing
    was paid. Any other failure (no answer, a timeout, a 5xx) may come after the bank paid."""


class BankAccountAlreadyVerified(Conflict):
    code = "bank_account_already_verified"
    title = "This bank account is already verified"


class BankAccountUnderReview(Conflict):
    code = "bank_account_name_mismatch"
    title = "The account holder does not match your verified name; compliance reviews it"


class MicroDepositsInProgress(Conflict):
    code = "micro_deposits_in_progress"
    title = "Micro-deposits were already sent to this account; confirm their amounts"


class MicroDepositsNotRequested(Conflict):
    code = "micro_deposits_not_requested"
    title = "No micro-deposits were sent to this account; request them first"


class MicroDepositsNotSent(Conflict):
    code = "micro_deposits_not_sent"
    title = "The micro-deposits are still being sent; try again once they are on your statement"


class MicroDepositsExpired(Conflict):
    code = "micro_deposits_expired"
    title = "The micro-deposits expired; request new ones"


class MicroDepositsLocked(Conflict):
    code = "micro_deposits_locked"
    title = "Too many wrong amounts; new micro-deposits can be requested after the cool-down"
    public_extra = frozenset({"retry_after"})


class MicroDepositsMismatch(InvalidInput):
    code = "micro_deposits_mismatch"
    title = "The amounts do not match the micro-deposits sent"
    public_extra = frozenset({"attempts_left"})


class DepositNotFound(NotFound):
    code = "deposit_not_found"
    title = "Deposit not found"


class DepositNotInSuspense(Conflict):
    code = "deposit_not_in_suspense"
    title = "Only an unmatched deposit (in suspense) can be assigned or returned"


class OrderNotAwaitingFunds(Conflict):
    code = "order_not_awaiting_funds"
    title = "The order is not waiting for money: it was paid, or has expired"


class AssignmentCurrencyMismatch(Conflict):
    code = "assignment_currency_mismatch"
    title = "The deposit is in another currency than the order asks for"


class StandingReferenceNotFound(NotFound):
    code = "standing_reference_not_found"
    title = "You have no active standing reference"


class BankFileAccountUnknown(InvalidInput):
    code = "bank_file_account_unknown"
    title = "The bank file reports an account that is not one of the operator's accounts"


class RefundNotPositive(InvalidInput):
    code = "refund_amount_invalid"
    title = "A refund must be a positive amount in the deposit's currency"


class RefundExceedsDeposit(Conflict):
    code = "refund_exceeds_deposit"
    title = "The refund is more than what is left to refund of the deposit"
    public_extra = frozenset({"refundable"})


class DepositAlreadyReturned(Conflict):
    code = "deposit_already_returned"
    title = "The deposit was already returned in full"


class DepositNotBooked(Conflict):
    code = "deposit_not_booked"
    title = "The deposit holds no money on the ledger (not yet matched, or nothing booked)"


class RefundCreditorUnknown(Conflict):
    code = "refund_creditor_unknown"
    title = "The sender's account is not known (pseudonymised or never given): it cannot be paid"


class UnknownRefundReason(InvalidInput):
    code = "refund_reason_unknown"
    title = "Unknown refund reason"


class RefundNotFound(NotFound):
    code = "refund_not_found"
    title = "Refund not found"


class RefundNotStuck(Conflict):
    code = "refund_not_stuck"
    title = (
        "Only a refund still requested after a send was tried (the bank has not taken it) "
        "can be settled by hand"
    )


class RefundSettlementPending(Conflict):
    code = "refund_settlement_pending"
    title = "A settlement of this refund already waits for a second person's approval"
