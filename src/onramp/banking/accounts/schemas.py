from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.paging import Paged
from onramp.core.request_fields import Text


class BankAccountIn(BaseModel):
    """An IBAN (with an optional BIC), or a US routing number and account number."""

    model_config = ConfigDict(extra="forbid")

    holder_name: Text = Field(min_length=1, max_length=200, description="As the bank knows it")
    currency: Text = Field(min_length=3, max_length=10, examples=["EUR"])
    iban: Text | None = Field(default=None, max_length=50, examples=["DE89370400440532013000"])
    bic: Text | None = Field(default=None, max_length=15, examples=["COBADEFFXXX"])
    routing_number: Text | None = Field(default=None, max_length=15, examples=["021000021"])
    account_number: Text | None = Field(default=None, max_length=30)


class MicroDepositsOut(BaseModel):
    status: Literal["requested", "sent", "confirmed", "locked", "expired"] = Field(
        description="requested (being sent), sent (on their way: read them on your statement), "
        "confirmed, locked (too many wrong answers), expired"
    )
    attempts_left: int
    expires_at: datetime
    retry_after: datetime | None = Field(
        description="When locked: when new micro-deposits may be requested"
    )


class MicroDepositsConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amounts: list[Annotated[Text, Field(max_length=20)]] = Field(
        min_length=2,
        max_length=2,
        description="The two amounts as on the statement, in any order",
        examples=[["0.12", "0.47"]],
    )


class BankAccountOut(BaseModel):
    id: uuid.UUID
    scheme: Literal["iban", "us_aba"]
    holder_name: str
    account_number_masked: str = Field(examples=["DE89 •••• 3000"])
    bank_code: str | None = Field(description="BIC or ABA routing number")
    country: str
    currency: str
    status: str = Field(
        description="unverified; verified (a deposit came from it in the holder's name, or "
        "micro-deposits were confirmed); name_mismatch (the holder is not the customer's "
        "verified KYC name, or a deposit came from it in another name: deposits from it are "
        "reviewed)"
    )
    verified_at: datetime | None
    holder_name_score: float | None = Field(
        description="How well the sender's name on the verifying deposit matched the holder (0-100)"
    )
    kyc_name_score: float | None = Field(
        description="How well the holder matches the customer's verified KYC name (0-100); "
        "null while not checked (no approved KYC with a name yet)"
    )
    holder_matches_kyc: bool | None = Field(
        description="The outcome of that comparison; null: not checked"
    )
    micro_deposits: MicroDepositsOut | None = Field(
        default=None, description="The latest micro-deposit challenge, if any"
    )
    created_at: datetime


class BankAccountList(Paged):
    data: list[BankAccountOut]
