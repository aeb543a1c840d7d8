"""The travel rule on the orders' side: which orders it covers, what it refuses, what it records.

An order whose amount is worth ``threshold_usd`` or more (USD-equivalent of the gross source
amount at the desk's reference rates: the fee cannot take a transfer under the threshold) gets a
travel-rule record: the originator (the customer, from their approved KYC case) and the
beneficiary (the customer too: orders pay only their own wallets; its custody, address, VASP).

When: at order creation. The customer learns there, before sending money, that a self-hosted
wallet must be proven first; the API process holds the keyring the sealed record needs (the
orders worker reads no personal data); and the amount cannot change afterwards, since a deposit
matches its order only for the exact amount. The deposit's sender account is linked to the
order when the funds arrive, and shown with the record (compliance view).

Defence in depth: ``TravelRuleScreener`` re-checks at funding time, behind the ``Screener``
seam, and holds an order at or above the threshold that has no record or pays a self-hosted
wallet without a proof (manual review, an alert from source ``travel_rule``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import chain, fx, kyc
from onramp.compliance import (
    AlertDraft,
    TransferDraft,
    TravelRuleRecord,
    record_transfer,
)
from onramp.core.errors import InvariantViolated
from onramp.core.money import Money
from onramp.orders.screens.screening import ScreeningResult, ScreeningSubject, Verdict
from onramp.wallets import DestinationWallet, WalletOwnershipUnproven, saved_wallet

REFERENCE_CURRENCY = "USD"
MISSING_RECORD = "travel rule: no originator/beneficiary record for an order at the threshold"
UNPROVEN = "travel rule: the self-hosted destination wallet's ownership is not proven"


@dataclass(frozen=True)
class TravelRulePolicy:
    threshold_usd: Decimal
    desk: fx.FxDesk
    wallet_factory: str  # the customers' own custodial wallets: need no proof
    operator: str  # who holds the custodial wallets (the beneficiary VASP for those)

    def usd_equivalent(self, amount: Money) -> Decimal:
        return self.desk.equivalent_in(amount, REFERENCE_CURRENCY)

    def own_wallet(self, customer_id: uuid.UUID) -> str | None:
        if not self.wallet_factory:
            return None
        return chain.customer_wallet_address(self.wallet_factory, customer_id)


def _unproven(wallet: DestinationWallet) -> WalletOwnershipUnproven:
    base = f"/v1/me/wallets/{wallet.id}"
    return WalletOwnershipUnproven(
        f"Orders of this size to the self-hosted wallet {wallet.address} need proof that you "
        f"control it: POST {base}/ownership-challenge, sign the message with the wallet "
        f"(personal_sign), then POST {base}/ownership-proof with the signature"
    )


def _originator(customer_id: uuid.UUID, identity: kyc.VerifiedIdentity | None) -> dict[str, Any]:
    return {
        # A business customer's name is its legal name (VerifiedIdentity.name).
        "name": None if identity is None else identity.name,
        "given_names": None if identity is None else identity.given_names,
        "surname": None if identity is None else identity.surname,
        "postal_address": None if identity is None else identity.address,
        # The originator's account with us: the customer id (EU 2023/1113 art. 14(1)(b)).
        "customer_id": str(customer_id),
        "kyc_case_id": None if identity is None else str(identity.case_id),
    }


async def record_at_order(
    session: AsyncSession,
    *,
    policy: TravelRulePolicy,
    order_id: uuid.UUID,
    customer_id: uuid.UUID,
    source: Money,
    destination: str,
    now: datetime,
) -> TravelRuleRecord | None:
    """Refuse (``wallet_ownership_unproven``) or record an order at or above the threshold;
    below it, do nothing. ``destination`` is the checksummed address the order pays."""
    usd = policy.usd_equivalent(source)
    if usd < policy.threshold_usd:
        return None
    wallet: DestinationWallet | None = None
    vasp_name: str | None
    if destination == policy.own_wallet(customer_id):
        custody, vasp_name = "custodial", policy.operator
    else:
        wallet = await saved_wallet(session, customer_id=customer_id, address=destination)
        if wallet is None:  # payout_destination let through only saved ones
            raise InvariantViolated("the order pays an address outside the address book")
        if wallet.custody == "self_hosted" and wallet.ownership_proven_at is None:
            raise _unproven(wallet)
        custody, vasp_name = wallet.custody, wallet.vasp_name
    identity = await kyc.verified_identity(session, customer_id=customer_id, now=now)
    originator = _originator(customer_id, identity)
    beneficiary = {
        # Orders pay only the customer's own wallets: the beneficiary is the originator.
        "name": originator["name"],
        "same_as_originator": True,
        "customer_id": str(customer_id),
        "address": destination,
        "custody": custody,
        "vasp_name": vasp_name,
        "wallet_label": None if wallet is None else wallet.label,
        "ownership_challenge_id": None
        if wallet is None or wallet.ownership_challenge_id is None
        else str(wallet.ownership_challenge_id),
    }
    draft = TransferDraft(
        order_id=order_id,
        customer_id=customer_id,
        amount=source,
        usd_equivalent=usd,
        threshold_usd=policy.threshold_usd,
        beneficiary_address=destination,
        beneficiary_custody=custody,
        wallet_id=None if wallet is None else wallet.id,
        ownership_proven_at=None if wallet is None else wallet.ownership_proven_at,
        ownership_method=None if wallet is None else wallet.ownership_method,
        kyc_case_id=None if identity is None else identity.case_id,
        originator=originator,
        beneficiary=beneficiary,
    )
    return await record_transfer(session, draft, now=now, actor=f"user:{customer_id}")


class TravelRuleScreener:
    """At funding: an order at or above the threshold must have its record, and a self-hosted
    destination its proof; otherwise the order is held for a compliance officer."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], policy: TravelRulePolicy
    ) -> None:
        self._sessions = sessions
        self._policy = policy

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return (await self.screen_batch([subject]))[0]

    async def screen_batch(self, subjects: Sequence[ScreeningSubject]) -> list[ScreeningResult]:
        """The subjects at or above the threshold checked in one session: their records in one
        query, their destinations' address book entries in another."""
        covered = [
            s
            for s in subjects
            if self._policy.usd_equivalent(s.amount) >= self._policy.threshold_usd
        ]
        custody: dict[uuid.UUID, str] = {}
        wallets: dict[tuple[uuid.UUID, str], list[_WalletProof]] = {}
        if covered:
            async with self._sessions() as session:
                custody = await _recorded_custody(session, [s.order_id for s in covered])
                wallets = await _address_book(
                    session,
                    {
                        (s.customer_id, s.destination_address)
                        for s in covered
                        if s.destination_address != self._policy.own_wallet(s.customer_id)
                    },
                )
        return [
            self._judge(s, custody, wallets) if s in covered else BELOW_THRESHOLD for s in subjects
        ]

    def _judge(
        self,
        subject: ScreeningSubject,
        custody: dict[uuid.UUID, str],
        wallets: dict[tuple[uuid.UUID, str], list[_WalletProof]],
    ) -> ScreeningResult:
        found = custody.get(subject.order_id)
        unproven = self._proof_missing(subject, wallets)
        alerts = []
        if found is None:
            alerts.append(self._alert(subject, "travel_rule_record_missing", MISSING_RECORD, {}))
        if unproven is not None:
            alerts.append(self._alert(subject, "wallet_ownership_unproven", UNPROVEN, unproven))
        if alerts:
            return ScreeningResult(Verdict.HOLD, alerts[0].reason, tuple(alerts))
        return ScreeningResult(Verdict.CLEAR, f"travel rule: recorded ({found} beneficiary)")

    def _proof_missing(
        self,
        subject: ScreeningSubject,
        wallets: dict[tuple[uuid.UUID, str], list[_WalletProof]],
    ) -> dict[str, Any] | None:
        """Evidence when the order pays a self-hosted wallet with no proof; None when it pays
        the customer's custodial wallet, a hosted one or a proven one (orders already placed
        still pay a wallet removed since, so removed entries count)."""
        if subject.destination_address == self._policy.own_wallet(subject.customer_id):
            return None
        rows = wallets.get((subject.customer_id, subject.destination_address), [])
        if any(w.ownership_proven_at is not None or w.custody == "hosted" for w in rows):
            return None
        return {"wallet_id": str(rows[-1].id) if rows else None}

    def _alert(
        self, subject: ScreeningSubject, kind: str, reason: str, evidence: dict[str, Any]
    ) -> AlertDraft:
        return AlertDraft(
            customer_id=subject.customer_id,
            source="travel_rule",
            kind=kind,
            severity="high",
            reason=reason,
            subject_type="order",
            subject_id=str(subject.order_id),
            dedupe_key=f"travel_rule:{kind}:{subject.order_id}",
            hold=True,
            order_id=subject.order_id,
            evidence={**evidence, "threshold_usd": str(self._policy.threshold_usd)},
        )


BELOW_THRESHOLD = ScreeningResult(Verdict.CLEAR, "travel rule: below the threshold")


@dataclass(frozen=True)
class _WalletProof:
    id: uuid.UUID
    custody: str
    ownership_proven_at: datetime | None


async def _recorded_custody(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Per order with a travel-rule record: its beneficiary's custody (nothing sealed is read)."""
    rows = await session.execute(
        select(TravelRuleRecord.order_id, TravelRuleRecord.beneficiary_custody).where(
            TravelRuleRecord.order_id.in_(sorted(set(order_ids)))
        )
    )
    return {order_id: custody for order_id, custody in rows}


async def _address_book(
    session: AsyncSession, pairs: set[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[_WalletProof]]:
    """The address book entries (removed ones too) of these (customer, address) pairs, oldest
    first."""
    if not pairs:
        return {}
    rows = await session.execute(
        select(
            DestinationWallet.customer_id,
            DestinationWallet.address,
            DestinationWallet.id,
            DestinationWallet.custody,
            DestinationWallet.ownership_proven_at,
        )
        .where(tuple_(DestinationWallet.customer_id, DestinationWallet.address).in_(sorted(pairs)))
        .order_by(DestinationWallet.id)
    )
    found: dict[tuple[uuid.UUID, str], list[_WalletProof]] = {}
    for customer_id, address, wallet_id, custody, proven_at in rows:
        found.setdefault((customer_id, address), []).append(
            _WalletProof(wallet_id, custody, proven_at)
        )
    return found
