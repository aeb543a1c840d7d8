from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class BankAccountIn(BaseModel):
    """An IBAN (with an optional BIC), or a US routing number and account number."""

    model_config = ConfigDict(extra="forbid")

    holder_name: str = Field(min_length=1, max_length=200, description="As the bank knows it")
    currency: str = Field(min_length=3, max_length=10, examples=["EUR"])
    iban: str | None = Field(default=None, max_length=50, examples=["DE89370400440532013000"])
    bic: str | None = Field(default=None, max_length=15, examples=["COBADEFFXXX"])
    routing_number: str | None = Field(default=None, max_length=15, examples=["021000021"])
    account_number: str | None = Field(default=None, max_length=30)


class BankAccountOut(BaseModel):
    id: uuid.UUID
    scheme: Literal["iban", "us_aba"]
    holder_name: str
    account_number_masked: str = Field(examples=["DE89 •••• 3000"])
    bank_code: str | None = Field(description="BIC or ABA routing number")
    country: str
    currency: str
    status: str = Field(
        description="unverified; verified (a deposit came from it in the holder's name); "
        "name_mismatch (a deposit came from it in another name: under review)"
    )
    verified_at: datetime | None
    holder_name_score: float | None = Field(
        description="How well the sender's name on that deposit matched the holder (0-100)"
    )
    created_at: datetime


class BankAccountList(BaseModel):
    data: list[BankAccountOut]
