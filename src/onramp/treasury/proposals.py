"""Rebalancing proposals: a Safe transaction that moves treasury USDC, bound to the Safe's next
nonce, signed by treasurers with their own owner keys (EIP-712), executed once the Safe's
threshold of owners *and* two different staff members have signed.

The Safe checks the signatures again on-chain; the checks here give a clear error before any
gas is spent (a non-owner, a second signature by one person or one key) and keep the app's own
four-eyes rule even for a Safe whose threshold is 1.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import (
    ChainClient,
    SafeTx,
    checksum,
    erc20_transfer_calldata,
    parse_signature,
    recover_signer,
    selector,
)
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.logging import get_logger
from onramp.treasury.errors import (
    AlreadySigned,
    InsufficientSourceFunds,
    ProposalAlreadyOpen,
    ProposalNotFound,
    ProposalNotOpen,
    RebalanceNotAllowed,
    SignerBoundElsewhere,
    SignerNotOwner,
)
from onramp.treasury.models import (
    OPEN_PROPOSAL,
    ROLE_KINDS,
    ProposalKind,
    ProposalSignature,
    ProposalStatus,
    RebalancingProposal,
    TreasurySigner,
    TreasuryWallet,
    WalletKind,
    WalletTier,
)
from onramp.treasury.onchain import safe_state
from onramp.treasury.wallets import wallet

log = get_logger(__name__)
MIN_STAFF_SIGNERS = 2  # four-eyes in the app, whatever the Safe's own threshold


PAYOUT_ROLE = keccak(text="PAYOUT_ROLE")


def vault_sweep_calldata(amount: int) -> bytes:
    return selector("sweep(uint256)") + encode(["uint256"], [amount])


def role_calldata(kind: ProposalKind, account: str) -> bytes:
    function = "grantRole" if kind is ProposalKind.GRANT_PAYOUT_ROLE else "revokeRole"
    return selector(f"{function}(bytes32,address)") + encode(
        ["bytes32", "address"], [PAYOUT_ROLE, account]
    )


def role_subject(p: RebalancingProposal) -> str | None:
    """The account a payout-role proposal grants or revokes (read back from its call)."""
    if p.kind not in ROLE_KINDS:
        return None
    (_, account) = decode(["bytes32", "address"], p.tx_data[4:])
    return to_checksum_address(account)


def safe_tx_of(p: RebalancingProposal) -> SafeTx:
    return SafeTx(
        safe=p.safe_address, chain_id=p.chain_id, to=p.tx_to, data=p.tx_data, nonce=p.safe_nonce
    )


async def _open_on(session: AsyncSession, safe: str) -> RebalancingProposal | None:
    found: RebalancingProposal | None = await session.scalar(
        select(RebalancingProposal).where(
            RebalancingProposal.safe_address == safe,
            RebalancingProposal.status.in_(OPEN_PROPOSAL),
        )
    )
    return found


def _call_for(
    kind: ProposalKind,
    source: TreasuryWallet,
    destination: TreasuryWallet,
    usdc: str,
    amount: int,
    subject: str | None,
) -> tuple[str, str, bytes]:
    """(the Safe that signs, the contract it calls, the call) for a move of ``amount``, or for
    a payout-role change of ``subject``."""
    if kind.value in ROLE_KINDS:
        if source.kind != WalletKind.SAFE.value or source.tier != WalletTier.COLD.value:
            raise RebalanceNotAllowed("the payout role is changed by the cold Safe (the admin)")
        if destination.kind != WalletKind.VAULT.value or subject is None:
            raise RebalanceNotAllowed("a payout-role change names the vault and an address")
        return source.address, destination.address, role_calldata(kind, checksum(subject))
    if kind is ProposalKind.REFILL:
        if source.kind != WalletKind.SAFE.value:
            raise RebalanceNotAllowed(f"{source.name} is not a Safe: it cannot be refilled from")
        return source.address, usdc, erc20_transfer_calldata(destination.address, amount)
    if source.kind != WalletKind.VAULT.value or destination.tier != WalletTier.COLD.value:
        raise RebalanceNotAllowed("a sweep goes from the vault to the cold Safe (its admin)")
    # The vault lets only its admin, the cold Safe, sweep, and only to the cold wallet.
    return destination.address, source.address, vault_sweep_calldata(amount)


def _proposal(
    kind: ProposalKind,
    src: TreasuryWallet,
    dst: TreasuryWallet,
    *,
    amount: int,
    reason: str,
    proposed_by: str,
    tx: SafeTx,
    threshold: int,
) -> RebalancingProposal:
    return RebalancingProposal(
        id=uuid7(),
        kind=kind.value,
        source=src.name,
        destination=dst.name,
        amount=amount,
        reason=reason[:300],
        proposed_by=proposed_by,
        status=ProposalStatus.AWAITING_SIGNATURES.value,
        chain_id=tx.chain_id,
        safe_address=tx.safe,
        safe_nonce=tx.nonce,
        tx_to=tx.to,
        tx_data=tx.data,
        safe_tx_hash=tx.hash(),
        threshold=threshold,
    )


async def propose(
    session: AsyncSession,
    client: ChainClient,
    *,
    kind: ProposalKind,
    source: str,
    destination: str,
    amount: int,
    reason: str,
    proposed_by: str,
    usdc: str,
    chain_id: int,
    subject: str | None = None,
) -> RebalancingProposal:
    moves_usdc = kind.value not in ROLE_KINDS
    if moves_usdc and amount <= 0:
        raise RebalanceNotAllowed(f"amount {amount}: must be positive")
    src, dst = await wallet(session, source), await wallet(session, destination)
    if src.name == dst.name:
        raise RebalanceNotAllowed("source and destination are the same wallet")
    safe, to, data = _call_for(kind, src, dst, usdc, amount, subject)
    held = await client.token_balance(usdc, src.address) if moves_usdc else 0
    if held < amount:
        raise InsufficientSourceFunds(f"{src.name} holds {held}, {amount} asked", held=held)
    if await _open_on(session, safe) is not None:
        raise ProposalAlreadyOpen(f"the Safe {safe} has an open proposal")
    state = await safe_state(client, safe)
    tx = SafeTx(safe=safe, chain_id=chain_id, to=to, data=data, nonce=state.nonce)
    proposal = _proposal(
        kind, src, dst, amount=amount, reason=reason, proposed_by=proposed_by, tx=tx,
        threshold=state.threshold,
    )  # fmt: skip
    session.add(proposal)
    await session.flush()
    await record(
        session,
        actor=proposed_by,
        action="treasury.proposal_created",
        entity_type="rebalancing_proposal",
        entity_id=str(proposal.id),
        data={
            "kind": kind.value,
            "source": src.name,
            "destination": dst.name,
            "amount": str(amount),
            "safe": safe,
            "safe_nonce": state.nonce,
            "safe_tx_hash": "0x" + proposal.safe_tx_hash.hex(),
            "reason": reason,
            "subject": subject,
        },
    )
    log.info("treasury.proposal_created", id=str(proposal.id), kind=kind.value, amount=amount)
    return proposal


async def proposal(
    session: AsyncSession, proposal_id: uuid.UUID, *, for_update: bool = False
) -> RebalancingProposal:
    found = await session.get(RebalancingProposal, proposal_id, with_for_update=for_update)
    if found is None:
        raise ProposalNotFound(str(proposal_id))
    return found


async def latest(
    session: AsyncSession, *, status: str | None, limit: int
) -> Sequence[RebalancingProposal]:
    """Proposals, newest first (only those in ``status`` if given)."""
    query = select(RebalancingProposal).order_by(RebalancingProposal.created_at.desc())
    if status:
        query = query.where(RebalancingProposal.status == status)
    return (await session.scalars(query.limit(limit))).all()


async def signatures(session: AsyncSession, proposal_id: uuid.UUID) -> Sequence[ProposalSignature]:
    return (
        await session.scalars(
            select(ProposalSignature)
            .where(ProposalSignature.proposal_id == proposal_id)
            .order_by(ProposalSignature.signed_at)
        )
    ).all()


async def _bind_signer(
    session: AsyncSession, user_id: uuid.UUID, owner: str, now: datetime
) -> None:
    mine = await session.get(TreasurySigner, user_id, with_for_update=True)
    if mine is not None:
        if mine.address != owner:
            raise SignerBoundElsewhere(f"you sign with {mine.address}, this signature is {owner}")
        return
    theirs = await session.scalar(select(TreasurySigner).where(TreasurySigner.address == owner))
    if theirs is not None:
        raise SignerBoundElsewhere(f"{owner} is another staff member's key")
    session.add(TreasurySigner(user_id=user_id, address=owner, bound_at=now))
    await session.flush()


async def sign(
    session: AsyncSession,
    client: ChainClient,
    *,
    proposal_id: uuid.UUID,
    user_id: uuid.UUID,
    signature: str,
    now: datetime,
) -> RebalancingProposal:
    """Add a treasurer's EIP-712 signature; the proposal becomes ``ready`` at the threshold."""
    p = await proposal(session, proposal_id, for_update=True)
    if p.status != ProposalStatus.AWAITING_SIGNATURES.value:
        raise ProposalNotOpen(f"the proposal is {p.status}")
    raw = parse_signature(signature)
    owner = recover_signer(p.safe_tx_hash, raw)
    state = await safe_state(client, p.safe_address)
    if state.nonce != p.safe_nonce:
        # Another Safe transaction ran first: this one can never execute (the executor
        # marks it failed).
        raise ProposalNotOpen("the Safe executed another transaction; propose again")
    if owner not in state.owners:
        raise SignerNotOwner(f"{owner} is not an owner of {p.safe_address}", signer=owner)
    await _bind_signer(session, user_id, owner, now)
    given = await signatures(session, p.id)
    if any(s.owner == owner or s.user_id == user_id for s in given):
        raise AlreadySigned()
    session.add(
        ProposalSignature(
            proposal_id=p.id, owner=owner, user_id=user_id, signature=raw, signed_at=now
        )
    )
    count = len(given) + 1
    staff = len({s.user_id for s in given} | {user_id})
    p.threshold = state.threshold
    if count >= state.threshold and staff >= MIN_STAFF_SIGNERS:
        p.status, p.decided_at = ProposalStatus.READY.value, now
    await record(
        session,
        actor=f"user:{user_id}",
        action="treasury.proposal_signed",
        entity_type="rebalancing_proposal",
        entity_id=str(p.id),
        data={"owner": owner, "signatures": count, "threshold": state.threshold},
    )
    await session.flush()
    return p


async def cancel(
    session: AsyncSession, *, proposal_id: uuid.UUID, actor: str, now: datetime
) -> RebalancingProposal:
    p = await proposal(session, proposal_id, for_update=True)
    if p.status == ProposalStatus.EXECUTING.value:
        # Signed and sent: only the chain can take it back. The treasury worker sends a
        # transfer of nothing at the execution's nonce with higher fees; the proposal is
        # cancelled if that is mined, executed if the execution was.
        if p.cancel_requested_at is None:
            p.cancel_requested_at = now
            await record(
                session,
                actor=actor,
                action="treasury.proposal_cancel_requested",
                entity_type="rebalancing_proposal",
                entity_id=str(p.id),
            )
        return p
    if p.status not in (ProposalStatus.AWAITING_SIGNATURES.value, ProposalStatus.READY.value):
        raise ProposalNotOpen(f"the proposal is {p.status}")
    p.status, p.decided_at = ProposalStatus.CANCELLED.value, now
    await record(
        session,
        actor=actor,
        action="treasury.proposal_cancelled",
        entity_type="rebalancing_proposal",
        entity_id=str(p.id),
    )
    return p
