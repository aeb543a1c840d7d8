"""The OpenAPI document lists the problem+json errors each operation can give.

FastAPI documents only a 422 in its own validation shape and whatever a route declares. The
errors every client must handle follow from what a route is, so they are derived here once:

- 401 and 403 on every route that is not public (no or a bad token; a role, scope, second
  factor or CSRF token short);
- 404 where the path names a resource; 422 where the route takes any input, 400 where it
  takes a body (one that does not parse), 413 there too (a body over the route's limit);
- 400 and 409 where it takes an ``Idempotency-Key`` (missing; reused with another body);
- 429 where a rate limit counts it.

A route adds what is its own (``responses={409: {"description": "quote_expired"}}``); every error
status is then given the ``Problem`` schema under ``application/problem+json``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from onramp.api.errors import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; branch on `code`, which is stable.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "description": "request_invalid, invalid_characters: what is wrong, where",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    # Codes add members of their own (retry_after, attempts_left, OAuth's error ...).
    "additionalProperties": True,
}
UNAUTHENTICATED = "unauthenticated: no, an expired or a revoked token (WWW-Authenticate)"
FORBIDDEN = "permission_denied, insufficient_scope, mfa_required, csrf_token_invalid"
NOT_FOUND = "not found: no such resource, or not yours"
INVALID = "request_invalid, invalid_characters (with `errors`)"
MALFORMED = "body_malformed: the body is not valid JSON (or form data) of this operation"
KEY_MISSING = "idempotency_key_required"
KEY_REUSED = "idempotency_key_reused"
TOO_MANY = "too_many_requests (Retry-After)"
TOO_LARGE = "request_too_large: the body is over this operation's limit (api/body_limit.py)"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _takes_input(dependant: Dependant) -> bool:
    return any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
        for d in _dependants(dependant)
    )


def _rate_limited(dependant: Dependant) -> bool:
    return any(getattr(d.call, "rate_class", None) for d in _dependants(dependant))


def _idempotent(dependant: Dependant) -> bool:
    return any(
        p.alias.lower() == "idempotency-key"
        for d in _dependants(dependant)
        for p in d.header_params
    )


def _takes_body(route: APIRoute) -> bool:
    return "requestBody" in (route.openapi_extra or {}) or any(
        d.body_params for d in _dependants(route.dependant)
    )


def error_statuses(route: APIRoute, *, public: bool) -> dict[int, list[str]]:
    """The problem statuses ``route`` can answer with, each with its codes: what the route
    declares first, then what follows from what it is."""
    reasons: dict[int, list[str]] = {
        int(status): [str(response.get("description", ""))]
        for status, response in route.responses.items()
        if str(status).isdigit() and int(status) >= 400
    }
    derived = [
        (not public, 401, UNAUTHENTICATED),
        (not public, 403, FORBIDDEN),
        (bool(route.dependant.path_params), 404, NOT_FOUND),
        (_takes_input(route.dependant) or _takes_body(route), 422, INVALID),
        (_takes_body(route), 400, MALFORMED),
        (_takes_body(route), 413, TOO_LARGE),
        (_idempotent(route.dependant), 400, KEY_MISSING),
        (_idempotent(route.dependant), 409, KEY_REUSED),
        (_rate_limited(route.dependant), 429, TOO_MANY),
    ]
    for applies, status, reason in derived:
        if applies:
            reasons.setdefault(status, []).append(reason)
    return reasons


def _lift_defs(schema: dict[str, Any], components: dict[str, Any]) -> None:
    """A body schema written into ``openapi_extra`` carries its models in ``$defs``, which
    nothing outside it can resolve: move them to the components and point there."""
    for content in schema.get("requestBody", {}).get("content", {}).values():
        body = content.get("schema", {})
        for name, definition in body.pop("$defs", {}).items():
            components.setdefault(name, definition)
        _repoint(body)
        for definition in components.values():
            _repoint(definition)


def _repoint(node: Any) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node["$ref"] = "#/components/schemas/" + ref.removeprefix("#/$defs/")
        for value in node.values():
            _repoint(value)
    elif isinstance(node, list):
        for value in node:
            _repoint(value)


def document_problems(
    openapi: dict[str, Any], routers: Iterable[APIRouter], public: Collection[tuple[str, str]]
) -> None:
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = openapi["paths"][route.path_format][method.lower()]
            _lift_defs(operation, components)
            responses = operation.setdefault("responses", {})
            statuses = error_statuses(route, public=(method, route.path) in public)
            for status, reasons in sorted(statuses.items()):
                responses[str(status)] = {
                    "description": "; ".join(r for r in reasons if r) or "see `code`",
                    "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
                }
    # FastAPI's own validation shape is never sent: every 422 is a Problem.
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = PROBLEM_SCHEMA


def install_problem_responses(
    app: FastAPI, routers: Iterable[APIRouter], public: Collection[tuple[str, str]]
) -> None:
    """``app`` serves the document of ``routers`` (included as they are) with their errors."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            document_problems(schema, routers, public)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
