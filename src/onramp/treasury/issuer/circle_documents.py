"""The Circle-Mint-shaped issuer's documents, as the adapter reads them (``circle.py``): each
field bounded by the column it lands in (treasury/issuer/models.py), the rest generously, after
the whole document passed the vendor input rule (``core/vendor_payloads.py``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.treasury.issuer.base import IssuerPayout, IssuerTransfer


class CircleDocument(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


_Id = Annotated[Text, Field(max_length=100)]
_Status = Annotated[Text, Field(max_length=40)]
_Short = Annotated[Text, Field(max_length=100)]
_TxHash = Annotated[Text, Field(max_length=66)]


class Amount(CircleDocument):
    amount: Annotated[Text, Field(max_length=40)]
    currency: Literal["USD"]

    def money(self) -> Money:
        return Money.parse(self.amount, "USDC")  # 1 USD of issuer balance is 1 USDC


class Bank(CircleDocument):
    id: _Id
    status: _Status
    description: Annotated[Text, Field(max_length=300)]
    tracking_ref: Annotated[Text, Field(max_length=50)]


class BeneficiaryBank(CircleDocument):
    name: Annotated[Text, Field(max_length=140)]
    swift_code: _Short = ""
    routing_number: _Short = ""
    account_number: _Short
    currency: Annotated[Text, Field(max_length=10)] = "USD"


class Instructions(CircleDocument):
    tracking_ref: Annotated[Text, Field(max_length=50)]
    beneficiary: dict[str, Any]  # checked by the vendor input rule
    beneficiary_bank: BeneficiaryBank


class Deposit(CircleDocument):
    id: _Id
    type: _Short = "wire"
    amount: Amount
    status: _Status
    transaction_hash: _TxHash | None = None


class Balances(CircleDocument):
    available: list[Amount] = Field(max_length=100)
    unsettled: list[Amount] = Field(max_length=100)


class Recipient(CircleDocument):
    id: _Id
    address: _Short
    chain: _Short
    status: _Status


class DepositAddress(CircleDocument):
    address: _Short
    chain: _Short


class Destination(CircleDocument):
    """A transfer's blockchain address or a payout's wire account (by id)."""

    id: _Id | None = None
    address: _Short | None = None


class Transfer(CircleDocument):
    id: _Id
    status: Literal["pending", "complete", "failed"]
    amount: Amount
    destination: Destination
    transaction_hash: _TxHash | None = None
    error_code: _Short | None = None

    def domain(self) -> IssuerTransfer:
        return IssuerTransfer(
            id=self.id,
            status=self.status,
            amount=self.amount.money(),
            address=self.destination.address or "",
            transaction_hash=self.transaction_hash,
            error_code=self.error_code,
        )


class Payout(CircleDocument):
    id: _Id
    status: Literal["pending", "complete", "failed"]
    amount: Amount
    destination: Destination
    error_code: _Short | None = None

    def domain(self) -> IssuerPayout:
        return IssuerPayout(
            id=self.id,
            status=self.status,
            amount=self.amount.money(),
            bank_account_id=self.destination.id or "",
            error_code=self.error_code,
        )


class Notification(CircleDocument):
    notification_id: _Id
    notification_type: _Short
    transfer: Transfer | None = None
    payout: Payout | None = None
