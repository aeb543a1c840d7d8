"""The bodies of the treasury's staff routes for proposals and mints.

The wallet bodies (``TreasuryWalletOut``, ``TreasuryWalletList``, ``PolicyIn``, ``PolicyOut``)
stay in :mod:`onramp.treasury.api`, beside the routes that answer with them. Every schema name in
the OpenAPI document is unique (a generated client names its models by them).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import Text
from onramp.treasury.models import ProposalKind

USDC_AMOUNT = r"^\d{1,15}(\.\d{1,6})?$"


class SignatureOut(BaseModel):
    owner: str
    user_id: uuid.UUID
    signed_at: datetime


class ProposalOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="`refill` (a Safe sends USDC) or `sweep` (vault to cold)")
    source: str
    destination: str
    amount: str
    reason: str
    proposed_by: str
    status: str = Field(
        description="`awaiting_signatures`, `ready`, `executing`, `executed`, `failed`, `cancelled`"
    )
    safe: str = Field(description="The Safe that executes the transaction")
    address: str | None = Field(description="The key a payout-role change grants or revokes")
    safe_nonce: int
    safe_tx_hash: str = Field(description="What each owner signs (EIP-712)")
    threshold: int
    signatures: list[SignatureOut]
    typed_data: dict[str, Any] = Field(
        description="The EIP-712 message to pass to `eth_signTypedData_v4`"
    )
    exec_tx_hash: str | None
    failure: str | None
    created_at: datetime
    executed_at: datetime | None


class ProposalList(BaseModel):
    data: list[ProposalOut]


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ProposalKind = Field(
        description="`refill`, `sweep`, or a payout-key rotation step: `grant_payout_role` "
        "(to the new key) then `revoke_payout_role` (from the old one)"
    )
    source: Text = Field(
        max_length=100,
        description="Wallet name: a Safe for a refill, the vault for a sweep, the cold Safe for "
        "a payout-role change",
    )
    destination: Text = Field(
        max_length=100,
        description="Wallet name: the cold Safe for a sweep, the vault for a payout-role change",
    )
    amount: Text = Field(default="0", pattern=USDC_AMOUNT, max_length=40, examples=["100000"])
    address: Text | None = Field(
        max_length=60, default=None, description="The key a payout-role change grants or revokes"
    )
    reason: Text = Field(min_length=1, max_length=300)


class SignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signature: Text = Field(
        max_length=200,
        description="65-byte hex `r||s||v` from `eth_signTypedData_v4` over `typed_data`",
        examples=["0x" + "ab" * 65],
    )


class MintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Text = Field(pattern=USDC_AMOUNT, max_length=40, examples=["1000000"])
    wallet: Text = Field(
        default="vault", max_length=100, description="The registered wallet to mint into"
    )
    note: Text = Field(min_length=1, max_length=300, description="Why: kept in the audit trail")


class MintRequestedOut(BaseModel):
    approval_id: uuid.UUID = Field(
        description="Approve with POST /v1/approvals/{approval_id}/approve (another person)"
    )
    status: str = Field(description="`pending_approval`")
