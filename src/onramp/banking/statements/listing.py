"""The statement files imported so far (``bank_files``), newest first: what the operators and
auditors read to see which camt files came in, by which route, and what each did."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.models import BankFile


async def imported_files(
    session: AsyncSession, *, bank: str | None, limit: int, before: uuid.UUID | None
) -> list[BankFile]:
    """A page of imported files, newest first (``before``: the page after that file's id)."""
    query = select(BankFile)
    if bank is not None:
        query = query.where(BankFile.bank == bank)
    if before is not None:
        query = query.where(BankFile.id < before)
    return list((await session.scalars(query.order_by(BankFile.id.desc()).limit(limit))).all())
