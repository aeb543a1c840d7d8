"""Bank adapters, deposit intake and matching."""

from onramp.banking import standing_references
from onramp.banking.creditor_reference import (
    creditor_reference_for_order,
    format_creditor_reference,
    normalize_creditor_reference,
)
from onramp.banking.customer_accounts import (
    DEFAULT_HOLDER_NAME_MIN_SCORE,
    FundingAccount,
    saved_accounts_of_deposit,
)
from onramp.banking.deposit_booking import match_deposits
from onramp.banking.events import (
    DEPOSIT_MATCHED,
    DEPOSIT_RECEIVED,
    DEPOSIT_RETURNED,
    DEPOSIT_UNMATCHED,
    REFUND_COMPLETED,
    REFUND_FAILED,
    REFUND_REQUESTED,
    REFUND_SENT,
)
from onramp.banking.history import DepositFact, matched_deposit, matched_deposits
from onramp.banking.refund_models import Refund, RefundReason, RefundStatus
from onramp.banking.refunds import refundable, refunds_for_orders, request_refund
from onramp.banking.returns import HeldFunds
from onramp.banking.service import (
    attach_order,
    deposits_for_order,
    expect_deposit,
    expire_expectations,
    held_deposits,
    intake_notice,
    sender_names,
)
from onramp.banking.treasury import TreasuryAccount, check_treasury_accounts, treasury_account

__all__ = [
    "TreasuryAccount",
    "check_treasury_accounts",
    "treasury_account",
    "standing_references",
    "DEFAULT_HOLDER_NAME_MIN_SCORE",
    "DEPOSIT_MATCHED",
    "DEPOSIT_RECEIVED",
    "DEPOSIT_RETURNED",
    "DEPOSIT_UNMATCHED",
    "REFUND_COMPLETED",
    "REFUND_FAILED",
    "REFUND_REQUESTED",
    "REFUND_SENT",
    "DepositFact",
    "HeldFunds",
    "FundingAccount",
    "attach_order",
    "Refund",
    "RefundReason",
    "RefundStatus",
    "creditor_reference_for_order",
    "deposits_for_order",
    "expect_deposit",
    "held_deposits",
    "expire_expectations",
    "format_creditor_reference",
    "intake_notice",
    "match_deposits",
    "matched_deposit",
    "matched_deposits",
    "normalize_creditor_reference",
    "refundable",
    "refunds_for_orders",
    "request_refund",
    "saved_accounts_of_deposit",
    "sender_names",
]
