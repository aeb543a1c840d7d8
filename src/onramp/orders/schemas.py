from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from onramp.banking import TreasuryAccount
from onramp.core.money import Money
from onramp.core.request_fields import Text


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote_id: uuid.UUID
    source_currency: Text = Field(max_length=10, examples=["EUR"])
    source_amount: Text = Field(
        max_length=40, examples=["1000.00"], description="Must equal the quote's amount"
    )
    destination_address: Text | None = Field(
        max_length=60,
        default=None,
        description="EVM address to receive the USDC; defaults to the customer's own wallet",
    )
    quote_signature: Text | None = Field(
        max_length=200,
        default=None,
        description="The quote's `signature`, as returned: when sent it must match the quote's "
        "terms (`quote_signature_invalid` otherwise). The stored quote is checked either way.",
    )


class DepositInstructionsOut(BaseModel):
    scheme: str = Field(
        description="`iban`: pay `iban` (and `bic`); `us_aba`: pay `account_number` at the "
        "bank with ABA `routing_number`"
    )
    iban: str | None
    bic: str | None
    routing_number: str | None
    account_number: str | None
    account_name: str
    reference: str = Field(description="ISO 11649 creditor reference to quote on the transfer")
    amount: str
    currency: str


def instructions_out(
    account: TreasuryAccount, *, reference: str, amount: Money
) -> DepositInstructionsOut:
    return DepositInstructionsOut(
        scheme=account.scheme,
        iban=account.iban,
        bic=account.bic,
        routing_number=account.routing_number,
        account_number=account.account_number,
        account_name=account.account_name,
        reference=reference,
        amount=str(amount),
        currency=amount.currency,
    )


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
    origin: str = Field(
        description="`quote`: placed by the customer against a quote; `standing_reference`: "
        "placed by a deposit carrying the customer's standing reference; `late_payment`: placed "
        "by money that arrived after the order it was meant for had expired. The last two are "
        "priced at the rate of the day the money arrived."
    )
    quote_id: uuid.UUID | None
    source_currency: str
    source_amount: str
    target_currency: str
    quoted_target_amount: str | None = Field(
        description="The USDC the quote promised (none for an order without a quote)"
    )
    quoted_rate: str | None = Field(description="The quote's rate, USDC per source unit")
    target_amount: str | None = Field(description="Set once priced: the USDC actually delivered")
    fee: str | None
    rate: str | None = Field(description="Set once priced: the rate applied")
    pricing_rule: str | None = Field(
        description="Set once priced: `firm_quote` (funds arrived in full before the quote "
        "expired: the quote's terms) or `market_at_funds` (priced at the market when they "
        "arrived)"
    )
    pricing_note: str | None = Field(description="Why that rule applied, for people")
    price_difference: str | None = Field(
        description="Set once priced: USDC delivered less USDC quoted (negative: fewer)"
    )
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
