"""The identity a customer proved: name and countries from the latest approved KYC case, for
the checks that compare against it (monitoring's sender-name and jurisdiction rules)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.kyc.models import KycCase
from onramp.kyc.states import KycStatus


@dataclass(frozen=True)
class VerifiedIdentity:
    name: str | None
    countries: frozenset[str]  # nationality and country of residence (ISO 3166-1 alpha-2)


async def verified_identity(
    session: AsyncSession, customer_id: uuid.UUID
) -> VerifiedIdentity | None:
    """None when the customer holds no approved case (or its data was erased)."""
    case = await session.scalar(
        select(KycCase)
        .where(KycCase.customer_id == customer_id, KycCase.status == KycStatus.APPROVED.value)
        .order_by(KycCase.id.desc())
        .limit(1)
    )
    if case is None:
        return None
    names = [n for n in (case.given_names, case.surname) if n]
    countries = {case.nationality} if case.nationality else set()
    if case.address:
        country = orjson.loads(case.address).get("country")
        if isinstance(country, str):
            countries.add(country)
    return VerifiedIdentity(
        name=" ".join(names) or None, countries=frozenset(c.upper() for c in countries)
    )
