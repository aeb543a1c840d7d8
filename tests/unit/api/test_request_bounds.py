"""Every input of every route is bounded: each string has a maximum length and refuses control
characters, each number has both bounds, each list a maximum size. A field added without them
fails here, before a fuzzer (or an attacker) finds the 500 it would give."""

from __future__ import annotations

import types
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import AwareDatetime, BaseModel, EmailStr, StringConstraints
from pydantic.fields import FieldInfo

from onramp.api.app import ROUTERS
from onramp.core.request_fields import Printable

# Parsed by pydantic into a value of a fixed, bounded shape (or refused): nothing to bound.
PARSED = (bool, uuid.UUID, date, datetime, AwareDatetime, EmailStr)
UPPER = (annotated_types.Le, annotated_types.Lt)
LOWER = (annotated_types.Ge, annotated_types.Gt)


def _flat(metadata: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            flat.extend(_flat(item.metadata))
        elif isinstance(item, annotated_types.GroupedMetadata):  # Interval, StringConstraints
            flat.extend(_flat(list(item)))
        else:
            flat.append(item)
    return flat


def _has(metadata: list[Any], kinds: Any) -> bool:
    return any(isinstance(m, kinds) for m in metadata)


def _strips_after_printable(metadata: list[Any]) -> bool:
    """pydantic applies a strip that follows a validator after the length checks ran, so
    ``Annotated[str, Printable(), StringConstraints(strip_whitespace=True, min_length=1)]`` lets
    "   " through as an empty string."""
    printable_at = [i for i, m in enumerate(metadata) if isinstance(m, Printable)]
    return bool(printable_at) and any(
        getattr(m, "strip_whitespace", None) for m in metadata[printable_at[0] + 1 :]
    )


def unbounded(label: str, annotation: Any, metadata: list[Any]) -> Iterator[str]:
    """What is missing on ``annotation`` (with ``metadata`` applying to it), as messages."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        yield from unbounded(label, base, [*metadata, *_flat(extra)])
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                yield from unbounded(label, arg, metadata)
    elif origin is Literal:
        return
    elif origin in (list, set, frozenset, tuple):
        if not _has(metadata, annotated_types.MaxLen):
            yield f"{label}: a list without max_length"
        (item, *_) = get_args(annotation)
        yield from unbounded(f"{label}[]", item, [])
    elif annotation is str:
        if not _has(metadata, annotated_types.MaxLen):
            yield f"{label}: a string without max_length"
        if not any(isinstance(m, Printable) for m in metadata):
            yield f"{label}: a string that is not Text or MultilineText (control characters)"
        if _strips_after_printable(metadata):
            yield f"{label}: strip_whitespace after Printable() (put StringConstraints first)"
    elif annotation in (int, float, Decimal):
        if not (_has(metadata, UPPER) and _has(metadata, LOWER)):
            yield f"{label}: a number without both bounds (ge/gt and le/lt)"
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        return
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            yield from unbounded(
                f"{annotation.__name__}.{name}", field.annotation, _flat(field.metadata)
            )
    elif annotation in PARSED:
        return
    else:
        yield f"{label}: {annotation!r} is not a type this test knows how to bound"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def route_inputs(route: APIRoute) -> Iterator[tuple[str, Any, list[Any]]]:
    for dependant in _dependants(route.dependant):
        for kind, params in (
            ("path", dependant.path_params),
            ("query", dependant.query_params),
            ("header", dependant.header_params),
            ("cookie", dependant.cookie_params),
            ("body", dependant.body_params),
        ):
            for param in params:
                info = param.field_info
                yield f"{kind} {param.name}", info.annotation, _flat(info.metadata)


ROUTES = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{sorted(r.methods)[0]} {r.path}" for r in ROUTES])
def test_every_input_of_the_route_is_bounded(route: APIRoute) -> None:
    missing = [
        message
        for label, annotation, metadata in route_inputs(route)
        for message in unbounded(label, annotation, metadata)
    ]
    assert not missing, "\n".join(missing)


class _Unbounded(BaseModel):
    name: str
    count: int
    tags: list[str]
    label: Annotated[str, Printable(), StringConstraints(strip_whitespace=True, max_length=9)]


def test_the_walk_finds_what_is_missing() -> None:
    assert sorted(unbounded("body", _Unbounded, [])) == [
        "_Unbounded.count: a number without both bounds (ge/gt and le/lt)",
        "_Unbounded.label: strip_whitespace after Printable() (put StringConstraints first)",
        "_Unbounded.name: a string that is not Text or MultilineText (control characters)",
        "_Unbounded.name: a string without max_length",
        "_Unbounded.tags: a list without max_length",
        "_Unbounded.tags[]: a string that is not Text or MultilineText (control characters)",
        "_Unbounded.tags[]: a string without max_length",
    ]
