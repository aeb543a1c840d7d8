from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_currency: str = Field(examples=["EUR"], description="ISO 4217 code of the deposit")
    source_amount: str = Field(
        examples=["1000.00"], description="Decimal string in the source currency's minor units"
    )
    target_currency: str = Field(default="USDC", examples=["USDC"])


class QuoteOut(BaseModel):
    id: uuid.UUID
    source_currency: str
    source_amount: str
    target_currency: str
    target_amount: str = Field(description="USDC delivered if funds arrive before expires_at")
    rate: str = Field(description="USDC per unit of the source currency, spread included")
    fee: str = Field(description="Fee in the source currency, deducted before conversion")
    fee_currency: str
    rates_date: str = Field(description="Date of the ECB reference rates used")
    created_at: datetime
    expires_at: datetime
