"""The treasury's errors, each with a stable code (mapped to problem+json at the API edge)."""

from __future__ import annotations

from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class WalletNotFound(NotFound):
    code = "treasury_wallet_not_found"
    title = "No treasury wallet has this name"


class PolicyInvalid(InvalidInput):
    code = "liquidity_policy_invalid"
    title = "A liquidity policy needs minimum <= target <= maximum"


class ProposalNotFound(NotFound):
    code = "proposal_not_found"
    title = "No rebalancing proposal has this id"


class ProposalNotOpen(Conflict):
    code = "proposal_not_open"
    title = "The proposal no longer takes signatures or changes"


class ProposalAlreadyOpen(Conflict):
    code = "proposal_already_open"
    title = "This Safe already has an open proposal; execute or cancel it first"


class InsufficientSourceFunds(Conflict):
    code = "treasury_source_insufficient"
    title = "The source wallet does not hold the amount"


class RebalanceNotAllowed(InvalidInput):
    code = "rebalance_not_allowed"
    title = "This wallet cannot send funds that way"


class SignerNotOwner(Forbidden):
    code = "signer_not_safe_owner"
    title = "The signature is not from an owner of the proposal's Safe"


class SignerBoundElsewhere(Forbidden):
    code = "signer_bound_to_other_key"
    title = "Staff sign with one Safe owner key each, and each key belongs to one person"


class AlreadySigned(Conflict):
    code = "proposal_already_signed"
    title = "This person or this owner key has already signed the proposal"
