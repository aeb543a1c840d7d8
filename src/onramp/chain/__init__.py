"""The chain: JSON-RPC, contracts, signers, nonces, payouts and confirmations."""

from onramp.chain.addresses import checksum, customer_wallet_address, order_id_bytes32
from onramp.chain.client import ChainClient
from onramp.chain.controlled_addresses import (
    check_destination,
    refused_destinations,
    register_controlled,
    register_system_contracts,
)
from onramp.chain.custody import CustodialWallet, custodial_wallet
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
from onramp.chain.fees import FeePolicy, replacement_fees
from onramp.chain.payout_gate import DestinationCheck, GateItem, GateVerdict, PayoutGate
from onramp.chain.payout_retry import (
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
    payout_for_order,
    queue_payouts,
    release_held_payouts,
    reserved_for_payouts,
)
from onramp.chain.signatures import recover_personal_sign
from onramp.chain.withdrawals import (
    WithdrawalView,
    in_flight,
    request_withdrawal,
    withdrawals_of,
)

__all__ = [
    "ChainClient",
    "CustodialWallet",
    "custodial_wallet",
    "PAYOUT_BROADCAST",
    "PAYOUT_CONFIRMED",
    "PAYOUT_FAILED",
    "PAYOUT_HELD",
    "PAYOUT_QUEUED",
    "PAYOUT_REQUEUED",
    "DestinationCheck",
    "FeePolicy",
    "replacement_fees",
    "DestinationRefused",
    "check_destination",
    "refused_destinations",
    "register_controlled",
    "register_system_contracts",
    "EndedAttempt",
    "GateItem",
    "GateVerdict",
    "InvalidAddress",
    "NodeUnavailable",
    "PayoutGate",
    "PayoutRequest",
    "PayoutView",
    "WithdrawalView",
    "SignatureMalformed",
    "checksum",
    "customer_wallet_address",
    "cancel_held_payouts",
    "cancel_unsent_payouts",
    "cancel_unpaid_payout",
    "ended_unpaid",
    "hold_queued_payouts",
    "in_flight",
    "in_flight_total",
    "order_id_bytes32",
    "paid_on_chain",
    "payout_for_order",
    "queue_payouts",
    "release_held_payouts",
    "requeue_failed_payout",
    "request_withdrawal",
    "reserved_for_payouts",
    "recover_personal_sign",
    "withdrawals_of",
]
