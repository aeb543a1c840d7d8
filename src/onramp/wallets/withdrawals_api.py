"""``/v1/me/wallet``: the caller's custodial wallet (its CREATE2 address, deployed or not, and
its USDC on-chain) and withdrawals out of it (need a recent second factor)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Header, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from onramp import chain
from onramp.auth import Permission, Principal, require, require_step_up
from onramp.compliance import ListMatchersDep, SessionFactoryDep
from onramp.core import idempotency
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.wallets import withdrawals

router = APIRouter(prefix="/v1/me/wallet", tags=["wallets"])


def _usdc(minor: int) -> str:
    return str(Money(minor, "USDC"))


class CustodialWalletOut(BaseModel):
    address: str = Field(description="The CREATE2 address; it can receive USDC before deployment")
    deployed: bool = Field(description="Deployed on the first withdrawal")
    currency: str = "USDC"
    balance: str = Field(description="USDC the wallet holds on-chain", examples=["250.000000"])
    available: str = Field(description="balance less withdrawals still in flight")


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Text = Field(
        min_length=1,
        max_length=60,
        description="EVM address; mixed case must be a valid EIP-55 checksum",
        examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
    )
    amount: Text = Field(
        min_length=1, max_length=40, description="USDC, up to 6 decimals", examples=["25.50"]
    )


class WithdrawalOut(BaseModel):
    id: uuid.UUID
    wallet: str
    to: str
    amount: str
    currency: str = "USDC"
    status: str = Field(description="requested, signed, broadcast, confirmed or failed")
    tx_hash: str | None
    block_number: int | None
    failure: str | None
    created_at: datetime


class WithdrawalList(BaseModel):
    data: list[WithdrawalOut]


def _out(w: chain.WithdrawalView) -> WithdrawalOut:
    return WithdrawalOut(
        id=w.id,
        wallet=w.wallet_address,
        to=w.to_address,
        amount=_usdc(w.amount),
        status=w.status,
        tx_hash=w.tx_hash,
        block_number=w.block_number,
        failure=w.failure,
        created_at=w.created_at,
    )


@router.get(
    "",
    summary="The caller's custodial wallet: address, deployed or not, USDC held",
    responses={422: {"description": "destination_required (no wallet factory configured)"}},
)
async def get_wallet(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
) -> CustodialWalletOut:
    withdrawals.own_wallet(settings.chain.wallet_factory_address, principal.user_id)
    wallet = await chain.custodial_wallet(
        chain.ChainClient(settings.chain.rpc_url),
        factory=settings.chain.wallet_factory_address,
        usdc=settings.chain.usdc_address,
        customer_id=principal.user_id,
    )
    pending = await chain.in_flight(session, wallet=wallet.address)
    return CustodialWalletOut(
        address=wallet.address,
        deployed=wallet.deployed,
        balance=_usdc(wallet.balance),
        available=_usdc(max(wallet.balance - pending, 0)),
    )


@router.post(
    "/withdrawals",
    status_code=status.HTTP_201_CREATED,
    summary="Withdraw USDC from the custodial wallet to an address (needs a recent second factor)",
    description=(
        "Needs an `Idempotency-Key` header (same key and body: the stored answer; another body: "
        "`idempotency_key_reused`), a login session (not an API key) and a step-up within "
        "`ONRAMP_AUTH__STEP_UP_MAX_AGE_SECONDS`. The destination is screened against the latest "
        "sanctions lists: a listed address is refused with `destination_sanctioned` and "
        "compliance is alerted. The amount must not exceed `available` (GET /v1/me/wallet). "
        "The withdrawal is then signed by the custody key in the HSM and sent; follow it in "
        "GET /v1/me/wallet/withdrawals."
    ),
    responses={
        400: {"description": "idempotency_key_required"},
        403: {"description": "step_up_required, mfa_enrollment_required, destination_sanctioned"},
        409: {"description": "idempotency_key_reused"},
        422: {
            "description": "invalid_address, destination_not_allowed (an address of the "
            "operator or the system, the zero address, a precompile), invalid_amount, "
            "amount_too_precise, amount_negative, withdrawal_to_own_wallet, "
            "insufficient_wallet_balance"
        },
    },
)
async def withdraw(
    body: WithdrawalIn,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
    sessions: SessionFactoryDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    key = idempotency.check_key(idempotency_key)
    await require_step_up(
        session,
        principal=principal,
        now=clock.now(),
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    scope = f"user:{principal.user_id}"
    fingerprint = idempotency.request_fingerprint(
        "POST", "/v1/me/wallet/withdrawals", body.model_dump(mode="json")
    )
    stored = await idempotency.begin(session, scope=scope, key=key, request_hash=fingerprint)
    if stored is not None:
        return JSONResponse(
            stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
        )
    withdrawal = await withdrawals.request_withdrawal(
        session,
        sessions,
        matchers,
        chain.ChainClient(settings.chain.rpc_url),
        customer_id=principal.user_id,
        to=body.to,
        amount=body.amount,
        factory=settings.chain.wallet_factory_address,
        usdc=settings.chain.usdc_address,
        idempotency_key=key,
        now=clock.now(),
    )
    out = _out(withdrawal).model_dump(mode="json")
    await idempotency.finish(session, scope=scope, key=key, status_code=201, body=out)
    return JSONResponse(out, status_code=201)


@router.get("/withdrawals", summary="The caller's withdrawals, newest first")
async def list_withdrawals(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)], session: SessionDep
) -> WithdrawalList:
    rows = await chain.withdrawals_of(session, customer_id=principal.user_id)
    return WithdrawalList(data=[_out(w) for w in rows])
