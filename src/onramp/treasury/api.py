"""``/v1/admin/treasury``: wallets and their liquidity, policies, rebalancing proposals and the
treasurers' signatures on them."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.chain import ChainClient
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep
from onramp.treasury import proposals as proposal_service
from onramp.treasury.issuer_mints import request_issuer_mint
from onramp.treasury.liquidity import WalletLiquidity, liquidity
from onramp.treasury.models import RebalancingProposal
from onramp.treasury.positions import positions, positions_document
from onramp.treasury.proposals import role_subject, safe_tx_of
from onramp.treasury.schemas import (
    USDC_AMOUNT,
    MintIn,
    MintRequestedOut,
    ProposalIn,
    ProposalList,
    ProposalOut,
    SignatureIn,
    SignatureOut,
)
from onramp.treasury.wallets import LiquidityPolicy, set_policy

router = APIRouter(prefix="/v1/admin/treasury", tags=["treasury (staff)"])


def chain_client(request: Request) -> ChainClient:
    """The app's client of the chain the treasury reads (one per process)."""
    client: ChainClient | None = getattr(request.app.state, "treasury_chain", None)
    if client is None:
        settings: Settings = request.app.state.settings
        client = ChainClient(settings.chain.rpc_url)
        request.app.state.treasury_chain = client
    return client


def _usdc(minor: int | None) -> str | None:
    return None if minor is None else str(Money(minor, "USDC"))


def _minor(amount: str | None) -> int | None:
    return None if amount is None else Money.parse(amount, "USDC").minor


class PolicyOut(BaseModel):
    minimum: str | None = Field(description="USDC; below it (less reserved) a refill is proposed")
    target: str | None = Field(description="USDC; what a refill or a sweep brings it back to")
    maximum: str | None = Field(description="USDC; above it a sweep to cold is proposed")


class TreasuryWalletOut(BaseModel):
    name: str
    kind: str = Field(description="`vault`, `safe` or `key` (an account whose key is in the HSM)")
    tier: str = Field(description="`hot`, `warm` or `cold`")
    address: str
    balance: str = Field(description="USDC held, read from the chain now")
    reserved: str = Field(description="USDC owed by payouts not yet confirmed (vault only)")
    available: str = Field(description="balance less reserved")
    state: str = Field(description="`ok`, `below_minimum` or `above_maximum`")
    policy: PolicyOut


class TreasuryWalletList(BaseModel):
    data: list[TreasuryWalletOut]


def _wallet_out(w: WalletLiquidity) -> TreasuryWalletOut:
    return TreasuryWalletOut(
        name=w.wallet.name,
        kind=w.wallet.kind,
        tier=w.wallet.tier,
        address=w.wallet.address,
        balance=str(Money(w.balance, "USDC")),
        reserved=str(Money(w.reserved, "USDC")),
        available=str(Money(w.available, "USDC")),
        state=w.state,
        policy=PolicyOut(
            minimum=_usdc(w.policy.minimum),
            target=_usdc(w.policy.target),
            maximum=_usdc(w.policy.maximum),
        ),
    )


@router.get(
    "/wallets",
    summary="The operator's wallets, their USDC and their liquidity state",
    description="Balances are read from the chain at the time of the call.",
)
async def list_wallets(
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    request: Request,
) -> TreasuryWalletList:
    settings: Settings = request.app.state.settings
    rows = await liquidity(session, chain_client(request), usdc=settings.chain.usdc_address)
    return TreasuryWalletList(data=[_wallet_out(w) for w in rows])


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minimum: Text | None = Field(
        default=None, pattern=USDC_AMOUNT, max_length=40, examples=["250000"]
    )
    target: Text | None = Field(
        default=None, pattern=USDC_AMOUNT, max_length=40, examples=["500000"]
    )
    maximum: Text | None = Field(
        default=None, pattern=USDC_AMOUNT, max_length=40, examples=["2000000"]
    )


@router.put(
    "/wallets/{name}/policy",
    summary="Set a wallet's liquidity policy",
    description="minimum <= target <= maximum; any bound may be left out. Audited.",
    responses={
        404: {"description": "treasury_wallet_not_found"},
        422: {"description": "liquidity_policy_invalid"},
    },
)
async def put_policy(
    name: Annotated[Text, Path(max_length=100)],
    body: PolicyIn,
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE)],
    session: SessionDep,
) -> PolicyOut:
    policy = LiquidityPolicy(_minor(body.minimum), _minor(body.target), _minor(body.maximum))
    await set_policy(session, name=name, policy=policy, actor=f"user:{principal.user_id}")
    return PolicyOut(
        minimum=_usdc(policy.minimum), target=_usdc(policy.target), maximum=_usdc(policy.maximum)
    )


async def proposal_out(session: SessionDep, p: RebalancingProposal) -> ProposalOut:
    given = await proposal_service.signatures(session, p.id)
    return ProposalOut(
        id=p.id,
        kind=p.kind,
        source=p.source,
        destination=p.destination,
        amount=str(Money(int(p.amount), "USDC")),
        reason=p.reason,
        proposed_by=p.proposed_by,
        status=p.status,
        safe=p.safe_address,
        address=role_subject(p),
        safe_nonce=p.safe_nonce,
        safe_tx_hash="0x" + p.safe_tx_hash.hex(),
        threshold=p.threshold,
        signatures=[
            SignatureOut(owner=s.owner, user_id=s.user_id, signed_at=s.signed_at) for s in given
        ],
        typed_data=safe_tx_of(p).typed_data(),
        exec_tx_hash=None if p.exec_tx_hash is None else "0x" + p.exec_tx_hash.hex(),
        failure=p.failure,
        created_at=p.created_at,
        executed_at=p.executed_at,
    )


@router.get("/proposals", summary="Rebalancing proposals, newest first")
async def list_proposals(
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    status: Annotated[Text | None, Query(max_length=30)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ProposalList:
    rows = await proposal_service.latest(session, status=status, limit=limit)
    return ProposalList(data=[await proposal_out(session, p) for p in rows])


@router.post(
    "/proposals",
    status_code=201,
    summary="Propose a rebalancing by hand",
    description="The liquidity check proposes on its own; this is for what it does not cover.",
    responses={
        404: {"description": "treasury_wallet_not_found"},
        409: {"description": "proposal_already_open, treasury_source_insufficient"},
        422: {"description": "rebalance_not_allowed"},
    },
)
async def create_proposal(
    body: ProposalIn,
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE)],
    session: SessionDep,
    request: Request,
) -> ProposalOut:
    settings: Settings = request.app.state.settings
    p = await proposal_service.propose(
        session,
        chain_client(request),
        kind=body.kind,
        source=body.source,
        destination=body.destination,
        amount=Money.parse(body.amount, "USDC").minor,
        reason=body.reason,
        proposed_by=f"user:{principal.user_id}",
        usdc=settings.chain.usdc_address,
        chain_id=settings.chain.chain_id,
        subject=body.address,
    )
    return await proposal_out(session, p)


@router.get(
    "/proposals/{proposal_id}",
    summary="One proposal, with the typed data to sign",
    responses={404: {"description": "proposal_not_found"}},
)
async def get_proposal(
    proposal_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
) -> ProposalOut:
    return await proposal_out(session, await proposal_service.proposal(session, proposal_id))


@router.post(
    "/proposals/{proposal_id}/signatures",
    summary="Sign a proposal with your Safe owner key",
    description=(
        "The signature must recover to an owner of the proposal's Safe. Your first signature "
        "binds that key to you: each person signs with one key, each key is one person's. At "
        "the Safe's threshold, with at least two different people, the proposal is `ready` "
        "and the treasury worker executes it."
    ),
    responses={
        403: {"description": "signer_not_safe_owner, signer_bound_to_other_key"},
        404: {"description": "proposal_not_found"},
        409: {"description": "proposal_not_open, proposal_already_signed"},
        422: {"description": "signature_malformed"},
    },
)
async def sign_proposal(
    proposal_id: uuid.UUID,
    body: SignatureIn,
    principal: Annotated[Principal, require(Permission.TREASURY_SIGN, person=True)],
    session: SessionDep,
    clock: ClockDep,
    request: Request,
) -> ProposalOut:
    p = await proposal_service.sign(
        session,
        chain_client(request),
        proposal_id=proposal_id,
        user_id=principal.user_id,
        signature=body.signature,
        now=clock.now(),
    )
    return await proposal_out(session, p)


@router.post(
    "/proposals/{proposal_id}/cancel",
    summary="Cancel a proposal that has not been executed",
    description=(
        "A proposal awaiting signatures or ready is cancelled at once. One executing (its "
        "execution signed and sent, maybe stuck for its fees) stays `executing`: the treasury "
        "worker replaces the execution with a transfer of nothing at the same nonce and higher "
        "fees; the proposal becomes `cancelled` if that is mined, `executed` if the execution "
        "was mined first."
    ),
    responses={
        404: {"description": "proposal_not_found"},
        409: {"description": "proposal_not_open"},
    },
)
async def cancel_proposal(
    proposal_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE)],
    session: SessionDep,
    clock: ClockDep,
) -> ProposalOut:
    p = await proposal_service.cancel(
        session, proposal_id=proposal_id, actor=f"user:{principal.user_id}", now=clock.now()
    )
    return await proposal_out(session, p)


@router.get(
    "/positions",
    summary="Treasury positions: USDC per wallet (chain and books), bank, FX, owed to customers",
    description=(
        "USDC per wallet read from the chain now, beside the ledger's `chain:<wallet>:USDC` "
        "(`difference` is on-chain minus booked); what queued payouts reserve; fiat per bank "
        "account and the FX position per currency from the ledger; what customers' accounts "
        "hold per currency."
    ),
)
async def get_positions(
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    clock: ClockDep,
    request: Request,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    found = await positions(
        session, chain_client(request), usdc=settings.chain.usdc_address, now=clock.now()
    )
    return positions_document(found)


@router.post(
    "/mints",
    status_code=202,
    summary="Ask the issuer to mint USDC into a treasury wallet (four-eyes)",
    description=(
        "For a refill no Safe can cover. The request waits for a second person's approval; "
        "approved, it is stored as an issuer operation and the treasury worker wires the fiat "
        "and has the issuer mint (docs/issuer.md)."
    ),
    responses={
        404: {"description": "treasury_wallet_not_found"},
        422: {"description": "rebalance_not_allowed"},
    },
)
async def request_mint(
    body: MintIn,
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE, person=True)],
    session: SessionDep,
    clock: ClockDep,
    request: Request,
) -> MintRequestedOut:
    settings: Settings = request.app.state.settings
    approval = await request_issuer_mint(
        session,
        staff=principal,
        amount=Money.parse(body.amount, "USDC"),
        wallet_name=body.wallet,
        issuer=settings.issuer.vendor,
        note=body.note,
        now=clock.now(),
    )
    return MintRequestedOut(approval_id=approval.id, status="pending_approval")
