"""``/v1/compliance/screen``: what ``onramp screen names`` / ``onramp screen address`` do, for
compliance officers over HTTP, against the latest loaded lists; and where the screens the system
ran (registration, wallet add, deposit, payout, re-screens) can be read back.

Here rather than in ``compliance/``: compliance depends on nothing but core, and routes need
``identity`` for their permission.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.compliance import (
    BatchRow,
    ListMatchers,
    ListMatchersDep,
    Matchers,
    NoSanctionsListLoaded,
    ScreeningBatchInvalid,
    parse_batch,
    rescreen_jobs,
    screening_records,
)
from onramp.compliance import screen_batch_address as screen_address
from onramp.compliance import screen_batch_name as screen_name
from onramp.core.audit import record
from onramp.core.request_fields import Text
from onramp.core.web import SessionDep

router = APIRouter(prefix="/v1/compliance", tags=["compliance"])
MAX_ROWS = 10_000
Officer = Annotated[Principal, require(Permission.COMPLIANCE_SCREEN)]


class NameRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=300, examples=["Roman Semenov"])
    date_of_birth: Text | None = Field(default=None, max_length=10, examples=["1988-02-14"])
    country: Text | None = Field(default=None, max_length=100, examples=["Russia"])


class NameBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[NameRow] = Field(min_length=1, max_length=MAX_ROWS)


class NameResult(BaseModel):
    name: str
    decision: str = Field(description="hit or clear")
    score: float
    entry_uid: str | None
    entry_name: str | None = Field(description="the closest list entry, named even when clear")
    matched_name: str | None
    reason: str


class NameResults(BaseModel):
    list_versions: list[str]
    data: list[NameResult]


class AddressResult(BaseModel):
    address: str
    decision: str
    score: float
    entry_uid: str | None
    entry_name: str | None
    currency: str | None
    reason: str
    list_versions: list[str]


class ScreeningOut(BaseModel):
    id: uuid.UUID
    point: str
    kind: str
    subject_type: str
    subject_id: str
    customer_id: uuid.UUID | None
    decision: str
    score: float
    entry_uid: str | None
    reason: str
    list_versions: list[str]
    created_at: datetime


class ScreeningList(BaseModel):
    data: list[ScreeningOut]
    next_before: uuid.UUID | None = Field(description="The next page: `?before=` this id")


class RescreenOut(BaseModel):
    id: uuid.UUID
    version_id: uuid.UUID
    status: str
    phase: str | None
    screened: int
    hits: int
    created_at: datetime
    finished_at: datetime | None


class RescreenList(BaseModel):
    data: list[RescreenOut]
    next_before: uuid.UUID | None = Field(description="The next page: `?before=` this id")


async def _loaded(matchers: ListMatchers, session: AsyncSession) -> Matchers:
    current = await matchers.current(session)
    if current is None:
        raise NoSanctionsListLoaded()
    return current


async def _rows(request: Request) -> list[BatchRow]:
    """JSON ``{"rows": [...]}`` or a ``text/csv`` body of ``name,date_of_birth,country``."""
    body = await request.body()
    if request.headers.get("content-type", "").startswith("text/csv"):
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScreeningBatchInvalid("the CSV body is not UTF-8") from exc
        rows = list(parse_batch(text, "body"))
        if not rows or len(rows) > MAX_ROWS:
            raise ScreeningBatchInvalid(f"a batch holds 1 to {MAX_ROWS} rows")
        return rows
    try:
        batch = NameBatch.model_validate(orjson.loads(body or b"null"))
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise ScreeningBatchInvalid(
            f'send {{"rows": [{{"name", "date_of_birth", "country"}}]}} (1 to {MAX_ROWS} rows) '
            "or a text/csv body"
        ) from exc
    return [BatchRow(r.name.strip(), r.date_of_birth, r.country) for r in batch.rows]


@router.post(
    "/screen/names",
    summary="Screen a batch of names against the latest sanctions lists",
    description=(
        'A JSON body `{"rows": [{"name", "date_of_birth", "country"}]}` or a `text/csv` body '
        "of `name,date_of_birth,country` rows (header optional, the last two columns "
        "optional), as `onramp screen names`. One result per row, in order; a clear row still "
        "names the closest entry. The batch is audited by count, not by name."
    ),
    responses={422: {"description": "screening_batch_invalid, sanctions_list_not_loaded"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": NameBatch.model_json_schema()},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def screen_names(
    request: Request, principal: Officer, session: SessionDep, matchers: ListMatchersDep
) -> NameResults:
    rows = await _rows(request)
    current = await _loaded(matchers, session)
    results = [NameResult(**screen_name(current.names, row)) for row in rows]
    await record(
        session,
        actor=f"user:{principal.user_id}",
        action="sanctions.names_screened",
        entity_type="user",
        entity_id=str(principal.user_id),
        data={
            "rows": len(results),
            "hits": sum(r.decision == "hit" for r in results),
            "list_versions": list(current.versions),
        },
    )
    return NameResults(list_versions=list(current.versions), data=results)


@router.get(
    "/screen/address/{address}",
    summary="Screen a wallet address against the latest sanctions lists (any letter case)",
    responses={422: {"description": "sanctions_list_not_loaded"}},
)
async def screen_one_address(
    address: Annotated[Text, Path(max_length=200)],
    principal: Officer,
    session: SessionDep,
    matchers: ListMatchersDep,
) -> AddressResult:
    current = await _loaded(matchers, session)
    result = screen_address(current.addresses, address[:200])
    return AddressResult(**result, list_versions=list(current.versions))


@router.get(
    "/screenings",
    summary="The screens the system ran, newest first",
    description=(
        "Every screen at registration, bank-account add, wallet add, deposit, payout and "
        "re-screen, hit or clear, with its list versions. Filter by customer or by subject; "
        "`limit` a page, `?before=` the previous page's `next_before`."
    ),
)
async def list_screenings(
    principal: Officer,
    session: SessionDep,
    customer_id: uuid.UUID | None = None,
    subject_type: Annotated[Text | None, Query(max_length=30)] = None,
    subject_id: Annotated[Text | None, Query(max_length=100)] = None,
    decision: Annotated[
        Text | None, Query(pattern="^(hit|clear|not_screened)$", max_length=20)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: uuid.UUID | None = None,
) -> ScreeningList:
    rows = await screening_records(
        session,
        customer_id=customer_id,
        subject_type=subject_type,
        subject_id=subject_id,
        decision=decision,
        limit=limit,
        before=before,
    )
    return ScreeningList(
        data=[ScreeningOut.model_validate(r, from_attributes=True) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get(
    "/rescreens",
    summary="Re-screens after list updates, newest first",
    description="`limit` a page, `?before=` the previous page's `next_before`.",
)
async def list_rescreens(
    principal: Officer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: uuid.UUID | None = None,
) -> RescreenList:
    rows = await rescreen_jobs(session, limit=limit, before=before)
    return RescreenList(
        data=[RescreenOut.model_validate(r, from_attributes=True) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )
