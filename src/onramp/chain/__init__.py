"""The chain: JSON-RPC, contracts, signers, nonces, payouts and confirmations."""

from onramp.chain.addresses import checksum, customer_wallet_address, order_id_bytes32
from onramp.chain.errors import InvalidAddress, NodeUnavailable, SignatureMalformed
from onramp.chain.events import (
    PAYOUT_BROADCAST,
    PAYOUT_CONFIRMED,
    PAYOUT_FAILED,
    PAYOUT_HELD,
    PAYOUT_QUEUED,
)
from onramp.chain.payouts import DestinationCheck, GateItem, GateVerdict, PayoutGate
from onramp.chain.service import (
    PayoutRequest,
    PayoutView,
    cancel_held_payouts,
    hold_queued_payouts,
    in_flight_total,
    payout_for_order,
    queue_payouts,
    release_held_payouts,
    reserved_for_payouts,
)
from onramp.chain.signatures import recover_personal_sign

__all__ = [
    "PAYOUT_BROADCAST",
    "PAYOUT_CONFIRMED",
    "PAYOUT_FAILED",
    "PAYOUT_HELD",
    "PAYOUT_QUEUED",
    "DestinationCheck",
    "GateItem",
    "GateVerdict",
    "InvalidAddress",
    "NodeUnavailable",
    "PayoutGate",
    "PayoutRequest",
    "PayoutView",
    "SignatureMalformed",
    "checksum",
    "customer_wallet_address",
    "cancel_held_payouts",
    "hold_queued_payouts",
    "in_flight_total",
    "order_id_bytes32",
    "payout_for_order",
    "queue_payouts",
    "release_held_payouts",
    "reserved_for_payouts",
    "recover_personal_sign",
]
