"""Finding a customer from what support was given: ``q`` is read as an id (a UUID), a wallet
address (0x and 40 hex digits), an email (it has an @), an IBAN (two letters, two digits, the
rest letters and digits, spaces allowed) or else part of a name. Email and IBAN are found by
their blind indexes, never by opening every row; a name is matched in the opened names
(``identity``'s scan). Newest customers first, a page at a time (``before``: the last id)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import customers_with_account_number
from onramp.core.errors import InvalidInput
from onramp.identity import CustomerRecord, customer_id_by_email, customer_records, customers_named
from onramp.support.schemas import CustomerPage, CustomerSummary, FreezeOut, MatchedBy
from onramp.wallets import customers_with_address

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_WALLET = re.compile(r"0x[0-9a-fA-F]{40}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")


class CustomerSearchInvalid(InvalidInput):
    code = "customer_search_invalid"
    title = "Search for an email, a name (two letters or more), an id, an IBAN or a wallet address"


def read_query(q: str) -> tuple[MatchedBy, str]:
    """What ``q`` is, and the value to look for."""
    text = q.strip()
    compact = re.sub(r"[\s-]", "", text).upper()
    try:
        return "id", str(uuid.UUID(text))
    except ValueError:
        pass
    if _WALLET.fullmatch(text):
        return "wallet", text
    if "@" in text:
        return "email", text
    if _IBAN.fullmatch(compact):
        return "iban", compact
    if len(text) < 2:
        raise CustomerSearchInvalid()
    return "name", text


def summary_of(record: CustomerRecord) -> CustomerSummary:
    frozen = None
    if record.frozen_at is not None:
        frozen = FreezeOut(
            frozen_at=record.frozen_at, reason=record.frozen_reason, frozen_by=record.frozen_by
        )
    return CustomerSummary(
        id=record.id,
        email=record.email,
        full_name=record.full_name,
        created_at=record.created_at,
        email_verified=record.email_verified_at is not None,
        deactivated=record.deactivated_at is not None,
        erased=record.erased_at is not None,
        frozen=frozen,
    )


async def _candidates(session: AsyncSession, kind: MatchedBy, value: str) -> Sequence[uuid.UUID]:
    if kind == "id":
        return [uuid.UUID(value)]
    if kind == "email":
        found = await customer_id_by_email(session, value)
        return [] if found is None else [found]
    if kind == "iban":
        return await customers_with_account_number(session, value)
    return await customers_with_address(session, value)


async def find_customers(
    session: AsyncSession, q: str, *, before: uuid.UUID | None, limit: int = DEFAULT_LIMIT
) -> CustomerPage:
    if not 1 <= limit <= MAX_LIMIT:
        raise CustomerSearchInvalid(f"limit must be 1 to {MAX_LIMIT}")
    kind, value = read_query(q)
    # One more than a page tells whether another page follows.
    if kind == "name":
        records = await customers_named(session, value, before=before, limit=limit + 1)
    else:
        ids = await _candidates(session, kind, value)
        records = await customer_records(session, ids, before=before, limit=limit + 1)
    page = records[:limit]
    more = len(records) > limit
    return CustomerPage(
        matched_by=kind,
        data=[summary_of(r) for r in page],
        next_before=page[-1].id if more else None,
    )
