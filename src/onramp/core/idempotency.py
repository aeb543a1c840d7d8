"""Idempotency keys for API POSTs: same key and body -> the stored answer; same key, other body
-> an error; nothing is done twice. The key row is written in the same transaction as the effect,
so a failed request leaves no key behind and may be retried with it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Header
from sqlalchemy import DateTime, Integer, String, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base
from onramp.core.errors import Conflict, InvalidInput
from onramp.core.request_fields import Text

MAX_KEY_LENGTH = 255
# The header as routes declare it; check_key still names the missing or malformed key itself.
KeyHeader = Annotated[Text | None, Header(alias="Idempotency-Key", max_length=MAX_KEY_LENGTH)]


class IdempotencyKeyRequired(InvalidInput):
    code = "idempotency_key_required"
    title = "This request needs an Idempotency-Key header"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used with a different request"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)  # who: one key space each
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = orjson.dumps({"m": method, "p": path, "b": body}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise IdempotencyKeyRequired()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


async def begin(
    session: AsyncSession, *, scope: str, key: str, request_hash: str
) -> StoredResponse | None:
    """Claim ``key`` for this request, or return the answer already given for it.

    A concurrent request with the same key waits on the row until the first one commits.
    """
    claimed = await session.scalar(
        insert(IdempotencyRecord)
        .values(scope=scope, key=key, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(IdempotencyRecord.key)
    )
    if claimed is not None:
        return None
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is None or record.request_hash != request_hash or record.response is None:
        raise IdempotencyKeyReused()
    assert record.status_code is not None
    return StoredResponse(status_code=record.status_code, body=record.response)


async def finish(
    session: AsyncSession, *, scope: str, key: str, status_code: int, body: dict[str, Any]
) -> None:
    # One statement: ``begin`` inserted the row without loading it.
    stored = await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        .values(status_code=status_code, response=body)
        .execution_options(synchronize_session=False)
    )
    assert stored.rowcount == 1  # type: ignore[attr-defined]
