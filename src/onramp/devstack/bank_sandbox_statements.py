"""The bank sandbox's statement files: camt.053 end-of-day statements and camt.054
notifications of what it booked, over HTTP or written into a drop folder."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Response

from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.devstack.sandbox_kit import SandboxProblem

XML = "application/xml"


def statements_router(
    *,
    bookings: Callable[[], Sequence[CamtBooking]],
    account_iban: str,
    drop_dir: Path | None,
) -> APIRouter:
    router = APIRouter()

    def statement(on: date, currency: str) -> tuple[str, bytes]:
        return camt053_statement(bookings(), account_iban, on, currency)

    def notification(since: datetime | None, currency: str) -> tuple[str, bytes]:
        return camt054_notification(bookings(), account_iban, since, currency)

    @router.get("/statements/camt.053")
    async def get_statement(date: date, currency: str = "EUR") -> Response:
        return Response(statement(date, currency)[1], media_type=XML)

    @router.get("/notifications/camt.054")
    async def get_notification(since: datetime | None = None, currency: str = "EUR") -> Response:
        return Response(notification(since, currency)[1], media_type=XML)

    @router.post("/drops/camt.053", status_code=201)
    async def drop_statement(date: date, currency: str = "EUR") -> dict[str, Any]:
        return drop_file(drop_dir, *statement(date, currency))

    @router.post("/drops/camt.054", status_code=201)
    async def drop_notification(
        since: datetime | None = None, currency: str = "EUR"
    ) -> dict[str, Any]:
        return drop_file(drop_dir, *notification(since, currency))

    return router


def camt053_statement(
    bookings: Sequence[CamtBooking], account_iban: str, on: date, currency: str
) -> tuple[str, bytes]:
    """The end-of-day statement of ``on`` (UTC) in ``currency``: its file name and bytes."""
    start = datetime.combine(on, datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    mine = [b for b in bookings if b.currency == currency]
    opening = sum(
        (b.amount if b.credit else -b.amount for b in mine if b.booked_at < start),
        Decimal(0),
    )
    message_id = f"SBX053{on:%Y%m%d}{currency}{uuid.uuid4().hex[:8].upper()}"
    return f"camt053_{on:%Y%m%d}_{currency}_{message_id[-8:]}.xml", write_camt(
        "camt.053",
        message_id=message_id,
        created_at=datetime.now(UTC),
        account_iban=account_iban,
        currency=currency,
        bookings=[b for b in mine if start <= b.booked_at < end],
        opening=opening,
        on=on,
    )


def camt054_notification(
    bookings: Sequence[CamtBooking], account_iban: str, since: datetime | None, currency: str
) -> tuple[str, bytes]:
    """The notification of what was booked in ``currency`` since ``since`` (all if ``None``;
    a naive time is UTC): its file name and bytes."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    chosen = [
        b for b in bookings if b.currency == currency and (since is None or b.booked_at >= since)
    ]
    message_id = f"SBX054{uuid.uuid4().hex[:20].upper()}"
    return f"camt054_{message_id}.xml", write_camt(
        "camt.054",
        message_id=message_id,
        created_at=datetime.now(UTC),
        account_iban=account_iban,
        currency=currency,
        bookings=chosen,
    )


def drop_file(drop_dir: Path | None, name: str, data: bytes) -> dict[str, Any]:
    """Write ``data`` into the drop folder the way an upload lands: never read half-written."""
    if drop_dir is None:
        raise SandboxProblem(409, "no_drop_dir", "No drop folder", "start with --drop-dir")
    drop_dir.mkdir(parents=True, exist_ok=True)
    partial = drop_dir / f"{name}.tmp"
    partial.write_bytes(data)
    final = partial.with_name(name)
    partial.replace(final)
    return {"path": str(final)}
