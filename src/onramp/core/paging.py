"""One page of a list, newest first: ``limit`` rows older than ``before`` (ids are UUIDv7, so
ordering by id is ordering by time), and ``next_before``, the cursor of the next page (none when
this page was the last). The JSON list routes take it as ``?limit=&before=`` (``PageDep``) and
answer ``{"data": [...], "next_before": ...}``; the domain's list queries take it as ``page``
(``page.apply`` narrows and orders their select). A list's filter is a bounded query field
marked ``BlankIsNone``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

_Row = TypeVar("_Row")

PAGE_SIZE = 20
MAX_PAGE = 100
# A list downloaded as CSV: everything, up to this many rows.
CSV_ROWS = 10_000


class _HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


@dataclass(frozen=True, slots=True)
class PageQuery:
    """``limit`` None: every row (a list read whole, e.g. a support dossier's)."""

    limit: int | None = PAGE_SIZE
    before: uuid.UUID | None = None

    def apply(
        self, query: Select[_Row], id_column: InstrumentedAttribute[uuid.UUID]
    ) -> Select[_Row]:
        if self.before is not None:
            query = query.where(id_column < self.before)
        query = query.order_by(id_column.desc())
        return query if self.limit is None else query.limit(self.limit)

    def next_before(self, rows: Sequence[_HasId]) -> uuid.UUID | None:
        full = self.limit is not None and len(rows) == self.limit
        return rows[-1].id if full and rows else None


class Paged(BaseModel):
    """A JSON list's page: its ``data`` (declared by each list) and the next page's cursor."""

    next_before: uuid.UUID | None = Field(
        default=None, description="Pass as `before` for the next page (none: this was the last)"
    )


EVERY_ROW = PageQuery(limit=None)
CSV_PAGE = PageQuery(limit=CSV_ROWS)


def page_query(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Rows a page")] = PAGE_SIZE,
    before: Annotated[
        uuid.UUID | None, Query(description="The previous page's `next_before`")
    ] = None,
) -> PageQuery:
    return PageQuery(limit=limit, before=before)


PageDep = Annotated[PageQuery, Depends(page_query)]


def _none_if_blank(value: object) -> object:
    return None if value == "" else value


# On a list's filter query field: blank (a page's "any" choice, ``?state=``) is no filter.
BlankIsNone = BeforeValidator(_none_if_blank)
