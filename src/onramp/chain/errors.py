"""Typed chain errors, mapped from node error strings in one place (``classify_rpc_error``)."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, InvariantViolated, Unavailable


class NodeUnavailable(Unavailable):
    code = "chain_node_unavailable"
    title = "The chain node is unavailable"


class ChainRpcError(Unavailable):
    code = "chain_rpc_error"
    title = "The chain node refused the request"


class NonceTooLow(ChainRpcError):
    code = "chain_nonce_too_low"
    title = "Nonce already used"


class AlreadyKnown(ChainRpcError):
    code = "chain_tx_already_known"
    title = "The node already has this transaction"


class ReplacementUnderpriced(ChainRpcError):
    code = "chain_replacement_underpriced"
    title = "Replacement transaction underpriced"


class InsufficientFunds(ChainRpcError):
    code = "chain_insufficient_funds"
    title = "The sender cannot pay for gas"


class ExecutionReverted(Conflict):
    code = "chain_execution_reverted"
    title = "The contract call reverted"


class InvalidAddress(InvalidInput):
    code = "invalid_address"
    title = "Not a valid EVM address"


class DestinationRefused(InvalidInput):
    code = "destination_not_allowed"
    title = (
        "This address cannot receive a customer's USDC (an address of the operator, a contract "
        "of the system, the zero address or a precompile)"
    )


class PayoutEventMismatch(InvariantViolated):
    code = "payout_event_mismatch"
    title = "The confirmed transaction does not carry the expected Payout event"


# Each node words the same refusal its own way; matched on the lowered message. Keep the
# wordings of every client we may be pointed at (a provider's node may be any of them).
_PATTERNS: tuple[tuple[str, type[ChainRpcError]], ...] = (
    ("already known", AlreadyKnown),  # geth, Erigon, Besu's newer releases
    ("known transaction", AlreadyKnown),  # older geth: "known transaction: <hash>"
    ("alreadyknown", AlreadyKnown),  # Nethermind: "AlreadyKnown"
    ("already imported", AlreadyKnown),  # anvil: "transaction already imported"
    ("nonce too low", NonceTooLow),  # geth: "nonce too low: address 0x.., tx: 5 state: 7"
    ("oldnonce", NonceTooLow),  # Nethermind: "OldNonce, Current nonce: 7, nonce of ..."
    ("replacement transaction underpriced", ReplacementUnderpriced),  # geth, anvil
    ("could not replace existing tx", ReplacementUnderpriced),  # Erigon
    ("replacementnotallowed", ReplacementUnderpriced),  # Nethermind
    ("feetoolowtocompete", ReplacementUnderpriced),  # Nethermind
    ("insufficient funds", InsufficientFunds),  # geth, Erigon, anvil
    ("insufficientfunds", InsufficientFunds),  # Nethermind: "InsufficientFunds, Account ..."
)


def classify_rpc_error(message: str) -> ChainRpcError:
    lowered = message.lower()
    for needle, error in _PATTERNS:
        if needle in lowered:
            return error(message)
    return ChainRpcError(message)


class SignatureMalformed(InvalidInput):
    code = "signature_malformed"
    title = "Not a 65-byte hex signature from which a signer can be recovered"


class WalletBalanceTooLow(InvalidInput):
    code = "insufficient_wallet_balance"
    title = "The custodial wallet holds less USDC than this withdrawal (less those in flight)"
