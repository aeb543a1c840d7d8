"""What the account pages share: a form's fields checked by the API's own request model (the
same limits and messages), the redirect that follows a change (post, redirect, get), and a
list's pages and filter."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar, get_args
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from onramp.auth import Permission, Principal, require
from onramp.core.paging import PageQuery
from onramp.core.web import ClockDep, SessionDep

Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], fields: Mapping[str, object]) -> Model:
    """The form as the JSON route's body: a mistake is the API's ``422 request_invalid``,
    shown on the form. Empty optional fields are left out, as a JSON client would."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v not in ("", None)})
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


def back_to(path: str, done: str | None = None) -> RedirectResponse:
    """After a change, the page again (``done=`` names what changed, for its notice)."""
    if done:
        path += f"{'&' if '?' in path else '?'}done={done}"
    return RedirectResponse(path, status_code=303)


def within_app(target: str, default: str) -> str:
    """A dashboard page to come back to (its path and query), else ``default``: never another
    site (``//evil.example``, ``https://…``, ``/app\\…``), so no open redirect."""
    parts = urlsplit(target)
    local = not (parts.scheme or parts.netloc or parts.fragment)
    ours = parts.path == "/app" or parts.path.startswith("/app/")
    plain = "//" not in target and "\\" not in target and target.isprintable()
    return target if local and ours and plain else default


def pager_of(page: PageQuery, rows: Sequence[Any], prefix: str = "") -> dict[str, Any]:
    """What a list's ``lists.list_footer`` needs: is this the first page, and the next one's
    cursor (``prefix`` names a second list's, e.g. ``withdrawals_``)."""
    return {
        f"{prefix}first_page": page.before is None,
        f"{prefix}next_before": page.next_before(rows),
    }


@dataclass(frozen=True, slots=True)
class ListFilter:
    """A list's one filter on its page (``lists.filter_form``): the query field's ``name``, its
    ``value`` (none: every row) and the ``choices`` its JSON route's query type allows."""

    name: str
    value: str | None
    choices: tuple[str, ...]

    @classmethod
    def of(cls, name: str, value: object, query: object) -> ListFilter:
        """``query``: the JSON route's ``Annotated[Kind | None, ...]`` field, ``Kind`` an enum
        or a ``Literal``."""
        kind = next(k for k in get_args(get_args(query)[0]) if k is not type(None))
        is_enum = isinstance(kind, type) and issubclass(kind, Enum)
        choices = [str(v.value) for v in kind] if is_enum else [str(v) for v in get_args(kind)]
        return cls(name, None if value is None else str(value), tuple(choices))

    @property
    def params(self) -> dict[str, str]:
        """The query the list's pager and CSV link keep."""
        return {} if self.value is None else {self.name: self.value}


def removal_route(
    router: APIRouter,
    path: str,
    *,
    page: str,
    permission: Permission,
    remove: Callable[..., Awaitable[object]],
    key: str,
) -> None:
    """``POST {path}/{id}/remove``: one of the customer's own saved things (a bank account, a
    wallet) removed by its domain's ``remove`` (the id passed as ``key``), then its page again
    with ``?done=removed``."""

    owner = require(permission)

    async def remove_own(
        item_id: uuid.UUID,
        session: SessionDep,
        clock: ClockDep,
        principal: Principal = owner,
    ) -> RedirectResponse:
        await remove(session, customer_id=principal.user_id, now=clock.now(), **{key: item_id})
        return back_to(page, "removed")

    router.add_api_route(
        f"{path}/{{item_id}}/remove", remove_own, methods=["POST"], name=f"remove_{key}"
    )
