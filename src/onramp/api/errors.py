"""RFC 9457 problem+json: every error leaves the API in this one shape, mapped here once."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from onramp.core.db.connection_loss import is_connection_loss, sqlstate_of
from onramp.core.errors import ErrorKind, OnrampError
from onramp.core.logging import get_logger
from onramp.core.request_fields import INVALID_CHARACTERS

log = get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://onramp.dev/problems/"

STATUS_BY_KIND: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNAVAILABLE: 503,
    ErrorKind.TOO_MANY: 429,
    ErrorKind.INTERNAL: 500,
}
# A few codes whose HTTP meaning is more specific than their kind's.
STATUS_BY_CODE: dict[str, int] = {
    "idempotency_key_required": 400,
    # RFC 6749 section 5.2: the token endpoint's errors other than invalid_client are 400.
    "invalid_request": 400,
    "invalid_grant": 400,
    "invalid_scope": 400,
    "unsupported_grant_type": 400,
}


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _onramp_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OnrampError)
    status = STATUS_BY_CODE.get(exc.code, STATUS_BY_KIND[exc.kind])
    if status >= 500:
        log.error("api.error", code=exc.code, detail=exc.detail, path=request.url.path)
    # Internal details stay in the log, never in the response.
    detail = exc.detail if status < 500 else exc.title
    headers = {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(max(1, math.ceil(float(exc.extra["retry_after"]))))
    if "www_authenticate" in exc.extra:
        headers["WWW-Authenticate"] = str(exc.extra["www_authenticate"])
    # The OAuth token endpoint's errors also carry RFC 6749's members, so OAuth client
    # libraries understand them while our clients keep branching on ``code``.
    oauth: dict[str, str] = {}
    oauth_error = getattr(exc, "oauth_error", None)
    if isinstance(oauth_error, str):
        oauth = {"error": oauth_error, "error_description": detail}
    extensions = {k: v for k, v in exc.extra.items() if k in exc.public_extra}
    return problem(
        status=status,
        code=exc.code,
        title=exc.title,
        detail=detail,
        instance=request.url.path,
        headers=headers,
        **extensions,
        **oauth,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    # A control character anywhere is its own code (clients may strip and retry); any other
    # mistake alongside it makes the request generally invalid.
    only_characters = all(e["type"] == INVALID_CHARACTERS for e in errors)
    return problem(
        status=422,
        code=INVALID_CHARACTERS if errors and only_characters else "request_invalid",
        title="The request is not valid",
        detail="; ".join(f"{'.'.join(map(str, e['location']))}: {e['message']}" for e in errors),
        instance=request.url.path,
        errors=errors,
    )


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: the router names only the first route
    whose path matched, and GET and POST of one path are often two routes."""
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # FastAPI answers a body that does not parse with a bare 400.
    code = {400: "body_malformed", 404: "route_not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # RFC 9110 section 15.5.6: a 405 names the methods there are
        headers["Allow"] = _allowed_methods(request)
    return problem(
        status=exc.status_code,
        code=code,
        title=str(exc.detail),
        detail=str(exc.detail),
        instance=request.url.path,
        headers=headers,
    )


# PostgreSQL's answers that mean "busy, try again", not "wrong": a lock wait past lock_timeout,
# a serialization failure, a deadlock broken by the server, a statement past its timeout.
BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01", "57014"})


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    sqlstate = sqlstate_of(exc.orig)
    # The connection was lost or refused (a restart, a failover; core/db/connection_loss.py),
    # or SQLAlchemy found it dead. Found by bench/soak.py: a restart answered 500s.
    if exc.connection_invalidated or is_connection_loss(exc.orig):
        log.warning("api.database_unavailable", path=request.url.path, sqlstate=sqlstate)
        return problem(
            status=503,
            code="database_unavailable",
            title="The database is unavailable",
            detail="The database could not be reached; try again.",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )
    if sqlstate not in BUSY_SQLSTATES:
        return await _unexpected(request, exc)
    log.warning("api.database_busy", path=request.url.path, sqlstate=sqlstate)
    return problem(
        status=503,
        code="database_busy",
        title="The database is busy",
        detail="The request waited too long for the database and changed nothing; try again.",
        instance=request.url.path,
        headers={"Retry-After": "1"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("api.unhandled", path=request.url.path)
    return problem(
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Internal error",
        instance=request.url.path,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OnrampError, _onramp_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
