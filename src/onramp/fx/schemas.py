from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import Text


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_currency: Text = Field(
        max_length=10,
        examples=["EUR"],
        description="ISO 4217 code of the deposit (one of fx.offered_currencies)",
    )
    source_amount: Text | None = Field(
        max_length=40,
        default=None,
        examples=["1000.00"],
        description="What the customer pays, a decimal string in the source currency with at "
        "most its decimals (`100` and `100.00` are the same EUR amount). Give this or "
        "`target_amount`, not both.",
    )
    target_amount: Text | None = Field(
        max_length=40,
        default=None,
        examples=["1000.000000"],
        description="What the customer wants to receive, in USDC: the quote asks for the least "
        "source amount that delivers at least this.",
    )
    target_currency: Text = Field(default="USDC", max_length=10, examples=["USDC"])
    ttl_seconds: int | None = Field(
        default=None,
        ge=1,
        le=86_400,
        description="How long the quote should be firm; the server's maximum "
        "(fx.quote_ttl_seconds) applies when this is longer or absent.",
    )


class QuoteOut(BaseModel):
    id: uuid.UUID
    side: str = Field(description="`source`: the source amount was fixed; `target`: the USDC")
    source_currency: str
    source_amount: str = Field(description="What to send, exactly")
    target_currency: str
    target_amount: str = Field(
        description="USDC delivered if funds arrive in full before expires_at"
    )
    mid_rate: str = Field(description="Reference (mid) rate: USD per unit of the source currency")
    rate: str = Field(description="USDC per unit of the source currency, spread included")
    spread_bps: int = Field(description="The spread applied, basis points of the mid rate")
    fee: str = Field(description="Fee in the source currency, deducted before conversion")
    fee_currency: str
    tier: int | None = Field(description="The customer's KYC tier the pricing table used")
    rates_date: str = Field(description="Date of the reference rates used")
    rates_source: str | None = Field(description="The rate sources used (fx.sources names)")
    created_at: datetime
    expires_at: datetime
    signature: str = Field(
        description="HMAC-SHA256 of the quote's terms; send it back as `quote_signature` with "
        "the order (docs/pricing.md)"
    )
