from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote_id: uuid.UUID
    source_currency: str = Field(examples=["EUR"])
    source_amount: str = Field(examples=["1000.00"], description="Must equal the quote's amount")
    destination_address: str | None = Field(
        default=None,
        description="EVM address to receive the USDC; defaults to the customer's own wallet",
    )


class DepositInstructionsOut(BaseModel):
    iban: str
    bic: str
    account_name: str
    reference: str = Field(description="ISO 11649 creditor reference to quote on the transfer")
    amount: str
    currency: str


class PayoutOut(BaseModel):
    tx_hash: str | None
    to: str
    amount: str
    status: str
    block_number: int | None


class RefundOut(BaseModel):
    amount: str
    currency: str
    status: str = Field(
        description="requested (on its way to the bank), sent (the bank has it), completed "
        "(paid back to the account the money came from), failed (support will contact you)"
    )
    requested_at: datetime
    completed_at: datetime | None


class TransitionOut(BaseModel):
    from_state: str | None
    to_state: str
    reason: str | None
    at: datetime


class OrderOut(BaseModel):
    id: uuid.UUID
    state: str
    quote_id: uuid.UUID
    source_currency: str
    source_amount: str
    target_currency: str
    quoted_target_amount: str
    target_amount: str | None = Field(description="Set once priced: the USDC actually delivered")
    fee: str | None
    rate: str | None
    destination_address: str
    deposit_instructions: DepositInstructionsOut
    payout: PayoutOut | None
    refunds: list[RefundOut] = Field(
        default_factory=list,
        description="Money sent back to the account the deposit came from (a rejected order)",
    )
    history: list[TransitionOut]
    created_at: datetime
    updated_at: datetime


class OrderList(BaseModel):
    data: list[OrderOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")
