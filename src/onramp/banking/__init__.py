"""Bank adapters, deposit intake and matching."""

from typing import TYPE_CHECKING

from onramp.banking.accounts.customer_accounts import (
    DEFAULT_HOLDER_NAME_MIN_SCORE,
    FundingAccount,
    saved_accounts_of_deposit,
    saved_accounts_of_deposits,
)
from onramp.banking.accounts.treasury import (
    TreasuryAccount,
    check_treasury_accounts,
    treasury_account,
)
from onramp.banking.booking.deposit_booking import match_deposits
from onramp.banking.booking.history import (
    DepositFact,
    matched_deposit,
    matched_deposits,
    matched_deposits_by_id,
)
from onramp.banking.booking.returns import HeldFunds
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
from onramp.banking.intake.service import (
    attach_order,
    deposits_for_order,
    expect_deposit,
    expire_expectations,
    held_deposits,
    intake_notice,
    open_expectation_orders,
    sender_names,
)
from onramp.banking.references import standing_references
from onramp.banking.references.creditor_reference import (
    creditor_reference_for_order,
    format_creditor_reference,
    normalize_creditor_reference,
)
from onramp.banking.refund_models import Refund, RefundReason, RefundStatus
from onramp.banking.refunding.service import refundable, refunds_for_orders, request_refund
from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.banking.accounts.api import BankAccountStatusQuery as BankAccountStatusQuery
    from onramp.banking.accounts.api import router as accounts_router
    from onramp.banking.accounts.customer_accounts import (
        customers_with_account_number as customers_with_account_number,
    )
    from onramp.banking.accounts.customer_accounts import (
        export_bank_accounts as export_bank_accounts,
    )
    from onramp.banking.accounts.customer_accounts import (
        purge_bank_account_details as purge_bank_account_details,
    )
    from onramp.banking.accounts.customer_accounts import (
        remove_all_bank_accounts as remove_all_bank_accounts,
    )
    from onramp.banking.accounts.customer_accounts import (
        remove_bank_account as remove_own_bank_account,
    )
    from onramp.banking.accounts.own_accounts import add_own_account as add_own_bank_account
    from onramp.banking.accounts.own_accounts import (
        confirm_own_micro_deposits as confirm_own_micro_deposits,
    )
    from onramp.banking.accounts.own_accounts import own_accounts as own_bank_accounts
    from onramp.banking.accounts.own_accounts import (
        request_own_micro_deposits as request_own_micro_deposits,
    )
    from onramp.banking.accounts.schemas import BankAccountIn as BankAccountIn
    from onramp.banking.adapters.base import BankPayments as BankPayments
    from onramp.banking.adapters.base import BankWebhookAdapter as BankWebhookAdapter
    from onramp.banking.adapters.base import Pain001Upload as Pain001Upload
    from onramp.banking.adapters.sandbox import SandboxBankAdapter as SandboxBankAdapter
    from onramp.banking.adapters.sandbox_payments import SandboxBankPayments as SandboxBankPayments
    from onramp.banking.api import router as banking_router
    from onramp.banking.booking.payment_rules import PaymentRules as PaymentRules
    from onramp.banking.errors import StandingReferenceNotFound as StandingReferenceNotFound
    from onramp.banking.formats.epc_qr import EpcCreditTransfer as EpcCreditTransfer
    from onramp.banking.formats.epc_qr import EpcPayloadInvalid as EpcPayloadInvalid
    from onramp.banking.formats.epc_qr import deposit_epc_payload as deposit_epc_payload
    from onramp.banking.formats.epc_qr import epc_payload as epc_payload
    from onramp.banking.formats.epc_qr import epc_qr_svg_data_uri as epc_qr_svg_data_uri
    from onramp.banking.formats.pain001 import Debtor as Debtor
    from onramp.banking.intake.service import pseudonymise_senders as pseudonymise_senders
    from onramp.banking.models import BankStatementBalance as BankStatementBalance
    from onramp.banking.models import BankStatementLine as BankStatementLine
    from onramp.banking.models import Deposit as Deposit
    from onramp.banking.models import DepositReversal as DepositReversal
    from onramp.banking.models import DepositStatus as DepositStatus
    from onramp.banking.models import RefundChannel as RefundChannel
    from onramp.banking.models import ReversalStatus as ReversalStatus
    from onramp.banking.models import StandingReference as StandingReference
    from onramp.banking.references.standing_references import active as active_standing_references
    from onramp.banking.references.standing_references import create as create_standing_reference
    from onramp.banking.references.standing_references import revoke as revoke_standing_reference
    from onramp.banking.refunding.api import router as refunds_router
    from onramp.banking.refunding.files import export_refunds as export_refunds
    from onramp.banking.refunding.files import refund_file as refund_file
    from onramp.banking.refunding.files import refund_files as refund_files
    from onramp.banking.refunding.files import submit_refund_file as submit_refund_file
    from onramp.banking.refunding.operator_returns import (
        register_return_approval as register_return_approval,
    )
    from onramp.banking.refunding.operator_returns import return_deposit as return_deposit
    from onramp.banking.refunding.sender import RefundPolicy as RefundPolicy
    from onramp.banking.refunding.sender import run_refunds as run_refunds
    from onramp.banking.refunding.service import list_refunds as list_refunds
    from onramp.banking.refunding.service import refund_backlog as refund_backlog
    from onramp.banking.refunding.settlement import Settlement as RefundSettlement
    from onramp.banking.refunding.settlement import decide_settlement as decide_refund_settlement
    from onramp.banking.refunding.settlement import is_stuck as refund_is_stuck
    from onramp.banking.refunding.settlement import (
        register_settlement_approval as register_settlement_approval,
    )
    from onramp.banking.refunding.settlement import request_settlement as request_refund_settlement
    from onramp.banking.statements.drop_folder import run_drop_folder as run_drop_folder
    from onramp.banking.statements.imports import ImportReport as ImportReport
    from onramp.banking.statements.imports import import_statement as import_statement
    from onramp.banking.statements.listing import imported_files as imported_bank_files
    from onramp.banking.suspense_queue.api import router as suspense_router
    from onramp.banking.suspense_queue.service import assign_to_order as assign_deposit
    from onramp.banking.suspense_queue.service import deposit_backlog as deposit_backlog
    from onramp.banking.suspense_queue.service import queue_item as suspense_item
    from onramp.banking.suspense_queue.service import unmatched as unmatched_deposits
    from onramp.banking.worker import deposits_consumer as deposits_consumer

_LAZY = {
    "assign_deposit": ("onramp.banking.suspense_queue.service", "assign_to_order"),
    "imported_bank_files": ("onramp.banking.statements.listing", "imported_files"),
    "list_refunds": ("onramp.banking.refunding.service", "list_refunds"),
    "refund_files": ("onramp.banking.refunding.files", "refund_files"),
    "return_deposit": ("onramp.banking.refunding.operator_returns", "return_deposit"),
    "suspense_item": ("onramp.banking.suspense_queue.service", "queue_item"),
    "unmatched_deposits": ("onramp.banking.suspense_queue.service", "unmatched"),
    "EpcCreditTransfer": ("onramp.banking.formats.epc_qr", "EpcCreditTransfer"),
    "EpcPayloadInvalid": ("onramp.banking.formats.epc_qr", "EpcPayloadInvalid"),
    "deposit_epc_payload": ("onramp.banking.formats.epc_qr", "deposit_epc_payload"),
    "epc_payload": ("onramp.banking.formats.epc_qr", "epc_payload"),
    "epc_qr_svg_data_uri": ("onramp.banking.formats.epc_qr", "epc_qr_svg_data_uri"),
    "BankPayments": ("onramp.banking.adapters.base", "BankPayments"),
    "BankStatementBalance": ("onramp.banking.models", "BankStatementBalance"),
    "BankStatementLine": ("onramp.banking.models", "BankStatementLine"),
    "BankWebhookAdapter": ("onramp.banking.adapters.base", "BankWebhookAdapter"),
    "Debtor": ("onramp.banking.formats.pain001", "Debtor"),
    "Deposit": ("onramp.banking.models", "Deposit"),
    "DepositReversal": ("onramp.banking.models", "DepositReversal"),
    "DepositStatus": ("onramp.banking.models", "DepositStatus"),
    "ImportReport": ("onramp.banking.statements.imports", "ImportReport"),
    "Pain001Upload": ("onramp.banking.adapters.base", "Pain001Upload"),
    "PaymentRules": ("onramp.banking.booking.payment_rules", "PaymentRules"),
    "RefundChannel": ("onramp.banking.models", "RefundChannel"),
    "RefundPolicy": ("onramp.banking.refunding.sender", "RefundPolicy"),
    "ReversalStatus": ("onramp.banking.models", "ReversalStatus"),
    "SandboxBankAdapter": ("onramp.banking.adapters.sandbox", "SandboxBankAdapter"),
    "SandboxBankPayments": ("onramp.banking.adapters.sandbox_payments", "SandboxBankPayments"),
    "StandingReference": ("onramp.banking.models", "StandingReference"),
    "StandingReferenceNotFound": ("onramp.banking.errors", "StandingReferenceNotFound"),
    "accounts_router": ("onramp.banking.accounts.api", "router"),
    "active_standing_references": ("onramp.banking.references.standing_references", "active"),
    "banking_router": ("onramp.banking.api", "router"),
    "create_standing_reference": ("onramp.banking.references.standing_references", "create"),
    "customers_with_account_number": (
        "onramp.banking.accounts.customer_accounts",
        "customers_with_account_number",
    ),
    "deposit_backlog": ("onramp.banking.suspense_queue.service", "deposit_backlog"),
    "deposits_consumer": ("onramp.banking.worker", "deposits_consumer"),
    "export_bank_accounts": ("onramp.banking.accounts.customer_accounts", "export_bank_accounts"),
    "export_refunds": ("onramp.banking.refunding.files", "export_refunds"),
    "refund_backlog": ("onramp.banking.refunding.service", "refund_backlog"),
    "import_statement": ("onramp.banking.statements.imports", "import_statement"),
    "pseudonymise_senders": ("onramp.banking.intake.service", "pseudonymise_senders"),
    "purge_bank_account_details": (
        "onramp.banking.accounts.customer_accounts",
        "purge_bank_account_details",
    ),
    "refund_file": ("onramp.banking.refunding.files", "refund_file"),
    "refunds_router": ("onramp.banking.refunding.api", "router"),
    "register_return_approval": (
        "onramp.banking.refunding.operator_returns",
        "register_return_approval",
    ),
    "register_settlement_approval": (
        "onramp.banking.refunding.settlement",
        "register_settlement_approval",
    ),
    "RefundSettlement": ("onramp.banking.refunding.settlement", "Settlement"),
    "refund_is_stuck": ("onramp.banking.refunding.settlement", "is_stuck"),
    "decide_refund_settlement": ("onramp.banking.refunding.settlement", "decide_settlement"),
    "request_refund_settlement": ("onramp.banking.refunding.settlement", "request_settlement"),
    "remove_all_bank_accounts": (
        "onramp.banking.accounts.customer_accounts",
        "remove_all_bank_accounts",
    ),
    "revoke_standing_reference": ("onramp.banking.references.standing_references", "revoke"),
    "run_drop_folder": ("onramp.banking.statements.drop_folder", "run_drop_folder"),
    "run_refunds": ("onramp.banking.refunding.sender", "run_refunds"),
    "submit_refund_file": ("onramp.banking.refunding.files", "submit_refund_file"),
    "suspense_router": ("onramp.banking.suspense_queue.api", "router"),
    "BankAccountIn": ("onramp.banking.accounts.schemas", "BankAccountIn"),
    "own_bank_accounts": ("onramp.banking.accounts.own_accounts", "own_accounts"),
    "BankAccountStatusQuery": ("onramp.banking.accounts.api", "BankAccountStatusQuery"),
    "add_own_bank_account": ("onramp.banking.accounts.own_accounts", "add_own_account"),
    "request_own_micro_deposits": (
        "onramp.banking.accounts.own_accounts",
        "request_own_micro_deposits",
    ),
    "confirm_own_micro_deposits": (
        "onramp.banking.accounts.own_accounts",
        "confirm_own_micro_deposits",
    ),
    "remove_own_bank_account": ("onramp.banking.accounts.customer_accounts", "remove_bank_account"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "assign_deposit",
    "imported_bank_files",
    "list_refunds",
    "refund_files",
    "return_deposit",
    "suspense_item",
    "unmatched_deposits",
    "EpcCreditTransfer",
    "EpcPayloadInvalid",
    "deposit_epc_payload",
    "epc_payload",
    "epc_qr_svg_data_uri",
    "BankPayments",
    "BankStatementBalance",
    "BankStatementLine",
    "BankWebhookAdapter",
    "DEFAULT_HOLDER_NAME_MIN_SCORE",
    "DEPOSIT_MATCHED",
    "DEPOSIT_RECEIVED",
    "DEPOSIT_RETURNED",
    "DEPOSIT_UNMATCHED",
    "Debtor",
    "Deposit",
    "DepositFact",
    "DepositReversal",
    "DepositStatus",
    "FundingAccount",
    "HeldFunds",
    "ImportReport",
    "Pain001Upload",
    "PaymentRules",
    "REFUND_COMPLETED",
    "REFUND_FAILED",
    "REFUND_REQUESTED",
    "REFUND_SENT",
    "Refund",
    "RefundChannel",
    "RefundPolicy",
    "RefundReason",
    "RefundStatus",
    "ReversalStatus",
    "SandboxBankAdapter",
    "SandboxBankPayments",
    "StandingReference",
    "StandingReferenceNotFound",
    "TreasuryAccount",
    "accounts_router",
    "active_standing_references",
    "attach_order",
    "banking_router",
    "check_treasury_accounts",
    "create_standing_reference",
    "creditor_reference_for_order",
    "customers_with_account_number",
    "deposit_backlog",
    "deposits_consumer",
    "refund_backlog",
    "deposits_for_order",
    "expect_deposit",
    "expire_expectations",
    "open_expectation_orders",
    "export_bank_accounts",
    "export_refunds",
    "format_creditor_reference",
    "held_deposits",
    "import_statement",
    "intake_notice",
    "match_deposits",
    "matched_deposit",
    "matched_deposits",
    "matched_deposits_by_id",
    "normalize_creditor_reference",
    "pseudonymise_senders",
    "purge_bank_account_details",
    "refund_file",
    "refundable",
    "refunds_for_orders",
    "refunds_router",
    "register_return_approval",
    "register_settlement_approval",
    "RefundSettlement",
    "refund_is_stuck",
    "decide_refund_settlement",
    "request_refund_settlement",
    "remove_all_bank_accounts",
    "request_refund",
    "revoke_standing_reference",
    "run_drop_folder",
    "run_refunds",
    "saved_accounts_of_deposit",
    "saved_accounts_of_deposits",
    "sender_names",
    "standing_references",
    "submit_refund_file",
    "suspense_router",
    "treasury_account",
    "BankAccountIn",
    "own_bank_accounts",
    "BankAccountStatusQuery",
    "add_own_bank_account",
    "request_own_micro_deposits",
    "confirm_own_micro_deposits",
    "remove_own_bank_account",
]
