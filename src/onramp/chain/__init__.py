"""The chain: JSON-RPC, contracts, signers, nonces, payouts and confirmations."""

from typing import TYPE_CHECKING

from onramp.chain.addresses import (
    checksum,
    customer_wallet_address,
    order_id_bytes32,
    order_id_from_bytes32,
)
from onramp.chain.client import ChainClient
from onramp.chain.controlled_addresses import (
    check_destination,
    refused_destinations,
    register_controlled,
    register_system_contracts,
)
from onramp.chain.custodial.custody import CustodialWallet, custodial_wallet
from onramp.chain.custodial.withdrawals import (
    SentWithdrawal,
    WithdrawalView,
    in_flight,
    request_withdrawal,
    withdrawals_by_tx,
    withdrawals_confirmed_between,
    withdrawals_of,
    withdrawing_wallets,
)
from onramp.chain.errors import (
    DestinationRefused,
    InvalidAddress,
    NodeUnavailable,
    SignatureMalformed,
)
from onramp.chain.events import (
    PAYOUT_BROADCAST,
    PAYOUT_CONFIRMED,
    PAYOUT_FAILED,
    PAYOUT_HELD,
    PAYOUT_QUEUED,
    PAYOUT_REQUEUED,
)
from onramp.chain.models import WithdrawalStatus
from onramp.chain.paying.payout_gate import DestinationCheck, GateItem, GateVerdict, PayoutGate
from onramp.chain.paying.payout_retry import (
    EndedAttempt,
    cancel_unpaid_payout,
    ended_unpaid,
    paid_on_chain,
    requeue_failed_payout,
)
from onramp.chain.service import (
    PayoutRequest,
    PayoutView,
    cancel_held_payouts,
    cancel_unsent_payouts,
    hold_queued_payouts,
    in_flight_total,
    mark_payouts_booked,
    payout_for_order,
    queue_payouts,
    release_held_payouts,
    reserved_for_payouts,
    unbooked_total,
)
from onramp.chain.signing.signatures import recover_personal_sign
from onramp.chain.transactions.fees import FeePolicy, replacement_fees
from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.chain.artifacts import selector as selector
    from onramp.chain.artifacts import topic as topic
    from onramp.chain.client import Receipt as Receipt
    from onramp.chain.contracts.deploy import USDC as USDC
    from onramp.chain.contracts.deploy import Deployer as Deployer
    from onramp.chain.contracts.deploy import Deployment as Deployment
    from onramp.chain.contracts.deploy import deploy_local as deploy_local
    from onramp.chain.contracts.deploy import usdc_balance as usdc_balance
    from onramp.chain.contracts.safe import EXECUTION_FAILURE_TOPIC as EXECUTION_FAILURE_TOPIC
    from onramp.chain.contracts.safe import EXECUTION_SUCCESS_TOPIC as EXECUTION_SUCCESS_TOPIC
    from onramp.chain.contracts.safe import SafeTx as SafeTx
    from onramp.chain.contracts.safe import erc20_transfer_calldata as erc20_transfer_calldata
    from onramp.chain.contracts.safe import exec_transaction_calldata as exec_transaction_calldata
    from onramp.chain.contracts.safe import packed_signatures as packed_signatures
    from onramp.chain.contracts.safe import parse_signature as parse_signature
    from onramp.chain.contracts.safe import recover_signer as recover_signer
    from onramp.chain.contracts.safe_deploy import create_safe as create_safe
    from onramp.chain.contracts.safe_deploy import deploy_safe_factory as deploy_safe_factory
    from onramp.chain.contracts.safe_deploy import exec_as_safe as exec_as_safe
    from onramp.chain.contracts.safe_deploy import hand_vault_to_safe as hand_vault_to_safe
    from onramp.chain.contracts.safe_deploy import (
        hand_wallet_factory_to_safe as hand_wallet_factory_to_safe,
    )
    from onramp.chain.contracts.vault_pauser import Switch as Switch
    from onramp.chain.contracts.vault_pauser import VaultPauser as VaultPauser
    from onramp.chain.contracts.wallet_factory_check import (
        check_configured_wallet_factory as check_configured_wallet_factory,
    )
    from onramp.chain.custodial.withdrawal_sender import WithdrawalSender as WithdrawalSender
    from onramp.chain.custodial.withdrawal_sender import custody_signer as custody_signer
    from onramp.chain.custodial.withdrawal_sender import run_withdrawals as run_withdrawals
    from onramp.chain.errors import ChainRpcError as ChainRpcError
    from onramp.chain.errors import ExecutionReverted as ExecutionReverted
    from onramp.chain.errors import NonceTooLow as NonceTooLow
    from onramp.chain.models import OPEN_TX as OPEN_TX
    from onramp.chain.models import ChainTransaction as ChainTransaction
    from onramp.chain.models import TxStatus as TxStatus
    from onramp.chain.service import payout_backlog as payout_backlog
    from onramp.chain.signing.hsm_signer import Pkcs11Signer as Pkcs11Signer
    from onramp.chain.signing.hsm_signer import find_key as find_key
    from onramp.chain.signing.hsm_signer import generate_secp256k1_key as generate_secp256k1_key
    from onramp.chain.signing.signer import LocalKeyInProduction as LocalKeyInProduction
    from onramp.chain.signing.signer import LocalKeySigner as LocalKeySigner
    from onramp.chain.signing.signer import Signer as Signer
    from onramp.chain.transactions.confirmations import ConfirmationWatcher as ConfirmationWatcher
    from onramp.chain.transactions.stored_tx import TxOutcome as TxOutcome
    from onramp.chain.transactions.tx_reconciler import NoOwner as NoOwner
    from onramp.chain.transactions.tx_reconciler import Reconciled as Reconciled
    from onramp.chain.transactions.tx_sender import Call as Call
    from onramp.chain.transactions.tx_sender import TransactionSender as TransactionSender
    from onramp.chain.worker import payout_signer as payout_signer
    from onramp.chain.worker import run_confirmations as run_confirmations
    from onramp.chain.worker import run_payout_sender as run_payout_sender
    from onramp.chain.worker import sender_from as sender_from

_LAZY = {
    "Call": ("onramp.chain.transactions.tx_sender", "Call"),
    "ChainRpcError": ("onramp.chain.errors", "ChainRpcError"),
    "ChainTransaction": ("onramp.chain.models", "ChainTransaction"),
    "ConfirmationWatcher": ("onramp.chain.transactions.confirmations", "ConfirmationWatcher"),
    "Deployer": ("onramp.chain.contracts.deploy", "Deployer"),
    "Deployment": ("onramp.chain.contracts.deploy", "Deployment"),
    "EXECUTION_FAILURE_TOPIC": ("onramp.chain.contracts.safe", "EXECUTION_FAILURE_TOPIC"),
    "EXECUTION_SUCCESS_TOPIC": ("onramp.chain.contracts.safe", "EXECUTION_SUCCESS_TOPIC"),
    "ExecutionReverted": ("onramp.chain.errors", "ExecutionReverted"),
    "LocalKeyInProduction": ("onramp.chain.signing.signer", "LocalKeyInProduction"),
    "LocalKeySigner": ("onramp.chain.signing.signer", "LocalKeySigner"),
    "NoOwner": ("onramp.chain.transactions.tx_reconciler", "NoOwner"),
    "NonceTooLow": ("onramp.chain.errors", "NonceTooLow"),
    "OPEN_TX": ("onramp.chain.models", "OPEN_TX"),
    "Pkcs11Signer": ("onramp.chain.signing.hsm_signer", "Pkcs11Signer"),
    "Receipt": ("onramp.chain.client", "Receipt"),
    "Reconciled": ("onramp.chain.transactions.tx_reconciler", "Reconciled"),
    "SafeTx": ("onramp.chain.contracts.safe", "SafeTx"),
    "Signer": ("onramp.chain.signing.signer", "Signer"),
    "Switch": ("onramp.chain.contracts.vault_pauser", "Switch"),
    "TransactionSender": ("onramp.chain.transactions.tx_sender", "TransactionSender"),
    "TxOutcome": ("onramp.chain.transactions.stored_tx", "TxOutcome"),
    "TxStatus": ("onramp.chain.models", "TxStatus"),
    "USDC": ("onramp.chain.contracts.deploy", "USDC"),
    "VaultPauser": ("onramp.chain.contracts.vault_pauser", "VaultPauser"),
    "WithdrawalSender": ("onramp.chain.custodial.withdrawal_sender", "WithdrawalSender"),
    "check_configured_wallet_factory": (
        "onramp.chain.contracts.wallet_factory_check",
        "check_configured_wallet_factory",
    ),
    "create_safe": ("onramp.chain.contracts.safe_deploy", "create_safe"),
    "custody_signer": ("onramp.chain.custodial.withdrawal_sender", "custody_signer"),
    "deploy_local": ("onramp.chain.contracts.deploy", "deploy_local"),
    "deploy_safe_factory": ("onramp.chain.contracts.safe_deploy", "deploy_safe_factory"),
    "erc20_transfer_calldata": ("onramp.chain.contracts.safe", "erc20_transfer_calldata"),
    "exec_as_safe": ("onramp.chain.contracts.safe_deploy", "exec_as_safe"),
    "exec_transaction_calldata": ("onramp.chain.contracts.safe", "exec_transaction_calldata"),
    "find_key": ("onramp.chain.signing.hsm_signer", "find_key"),
    "generate_secp256k1_key": ("onramp.chain.signing.hsm_signer", "generate_secp256k1_key"),
    "hand_vault_to_safe": ("onramp.chain.contracts.safe_deploy", "hand_vault_to_safe"),
    "hand_wallet_factory_to_safe": (
        "onramp.chain.contracts.safe_deploy",
        "hand_wallet_factory_to_safe",
    ),
    "packed_signatures": ("onramp.chain.contracts.safe", "packed_signatures"),
    "parse_signature": ("onramp.chain.contracts.safe", "parse_signature"),
    "payout_backlog": ("onramp.chain.service", "payout_backlog"),
    "payout_signer": ("onramp.chain.worker", "payout_signer"),
    "recover_signer": ("onramp.chain.contracts.safe", "recover_signer"),
    "run_confirmations": ("onramp.chain.worker", "run_confirmations"),
    "run_payout_sender": ("onramp.chain.worker", "run_payout_sender"),
    "run_withdrawals": ("onramp.chain.custodial.withdrawal_sender", "run_withdrawals"),
    "selector": ("onramp.chain.artifacts", "selector"),
    "topic": ("onramp.chain.artifacts", "topic"),
    "sender_from": ("onramp.chain.worker", "sender_from"),
    "usdc_balance": ("onramp.chain.contracts.deploy", "usdc_balance"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Call",
    "ChainClient",
    "ChainRpcError",
    "ChainTransaction",
    "ConfirmationWatcher",
    "CustodialWallet",
    "Deployer",
    "Deployment",
    "DestinationCheck",
    "DestinationRefused",
    "EXECUTION_FAILURE_TOPIC",
    "EXECUTION_SUCCESS_TOPIC",
    "EndedAttempt",
    "ExecutionReverted",
    "FeePolicy",
    "GateItem",
    "GateVerdict",
    "InvalidAddress",
    "LocalKeyInProduction",
    "LocalKeySigner",
    "NoOwner",
    "NodeUnavailable",
    "NonceTooLow",
    "OPEN_TX",
    "PAYOUT_BROADCAST",
    "PAYOUT_CONFIRMED",
    "PAYOUT_FAILED",
    "PAYOUT_HELD",
    "PAYOUT_QUEUED",
    "PAYOUT_REQUEUED",
    "PayoutGate",
    "PayoutRequest",
    "PayoutView",
    "Pkcs11Signer",
    "Receipt",
    "Reconciled",
    "SafeTx",
    "SignatureMalformed",
    "Signer",
    "Switch",
    "TransactionSender",
    "TxOutcome",
    "TxStatus",
    "USDC",
    "VaultPauser",
    "WithdrawalSender",
    "WithdrawalView",
    "cancel_held_payouts",
    "cancel_unpaid_payout",
    "cancel_unsent_payouts",
    "check_configured_wallet_factory",
    "check_destination",
    "checksum",
    "create_safe",
    "custodial_wallet",
    "custody_signer",
    "customer_wallet_address",
    "deploy_local",
    "deploy_safe_factory",
    "ended_unpaid",
    "erc20_transfer_calldata",
    "exec_as_safe",
    "exec_transaction_calldata",
    "find_key",
    "generate_secp256k1_key",
    "hand_vault_to_safe",
    "hand_wallet_factory_to_safe",
    "hold_queued_payouts",
    "in_flight",
    "in_flight_total",
    "mark_payouts_booked",
    "order_id_bytes32",
    "order_id_from_bytes32",
    "packed_signatures",
    "paid_on_chain",
    "parse_signature",
    "payout_backlog",
    "payout_for_order",
    "payout_signer",
    "queue_payouts",
    "recover_personal_sign",
    "recover_signer",
    "refused_destinations",
    "register_controlled",
    "register_system_contracts",
    "release_held_payouts",
    "replacement_fees",
    "request_withdrawal",
    "requeue_failed_payout",
    "reserved_for_payouts",
    "run_confirmations",
    "run_payout_sender",
    "run_withdrawals",
    "selector",
    "topic",
    "sender_from",
    "unbooked_total",
    "usdc_balance",
    "withdrawals_of",
    "withdrawals_by_tx",
    "withdrawals_confirmed_between",
    "withdrawing_wallets",
    "SentWithdrawal",
    "WithdrawalStatus",
]
