"""Every error leaves the API as RFC 9457 problem+json, with the status mapped in one place."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from onramp.api.errors import PROBLEM_BASE, PROBLEM_JSON, install_error_handlers
from onramp.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvariantViolated,
    NotFound,
    OnrampError,
    Unauthenticated,
    Unavailable,
)
from onramp.core.idempotency import IdempotencyKeyRequired, IdempotencyKeyReused
from onramp.core.request_fields import MultilineText, Text

SECRET_DETAIL = "balance row 42 is off by 17 minor units"
FIELDS = {"type", "title", "status", "detail", "instance", "code"}


class OrderBody(BaseModel):
    amount: str
    count: int


class LabelBody(BaseModel):
    label: Text = Field(max_length=20)
    note: MultilineText | None = Field(default=None, max_length=200)


ERRORS: dict[str, OnrampError] = {
    "invalid": InvalidInput("amount must be positive"),
    "not-found": NotFound("no such order"),
    "conflict": Conflict("order already paid"),
    "unauthenticated": Unauthenticated("token expired"),
    "forbidden": Forbidden("admins only"),
    "unavailable": Unavailable("the node is down"),
    "invariant": InvariantViolated(SECRET_DETAIL),
    "key-required": IdempotencyKeyRequired(),
    "key-reused": IdempotencyKeyReused(),
}


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{name}")
    async def raise_error(name: str) -> dict[str, str]:
        raise ERRORS[name]

    @app.get("/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError(SECRET_DETAIL)

    @app.post("/orders")
    async def create(body: OrderBody) -> dict[str, str]:
        return {"amount": body.amount}

    @app.post("/labels")
    async def label(body: LabelBody) -> dict[str, str]:
        return {"label": body.label}

    @app.get("/labels")
    async def find(q: Annotated[Text, Query(max_length=20)]) -> dict[str, str]:
        return {"q": q}

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app(), raise_server_exceptions=False)


def problem_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert set(body) >= FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == PROBLEM_BASE + code.replace("_", "-")
    assert body["instance"] == response.request.url.path
    assert all(isinstance(body[f], str) for f in FIELDS - {"status"})
    return body


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("invalid", 422, "invalid_input"),
        ("not-found", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("unauthenticated", 401, "unauthenticated"),
        ("forbidden", 403, "forbidden"),
        ("unavailable", 503, "unavailable"),
        ("key-required", 400, "idempotency_key_required"),
        ("key-reused", 409, "idempotency_key_reused"),
    ],
)
def test_domain_errors_map_to_status(client: TestClient, name: str, status: int, code: str) -> None:
    response = client.get(f"/raise/{name}")
    body = problem_of(response, status, code)
    error = ERRORS[name]
    assert body["title"] == error.title
    # 5xx details stay in the log: the caller only sees the title
    assert body["detail"] == (error.detail if status < 500 else error.title)


def test_unauthenticated_carries_www_authenticate(client: TestClient) -> None:
    response = client.get("/raise/unauthenticated")
    problem_of(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("name", ["invalid", "not-found", "conflict", "forbidden", "key-required"])
def test_only_401_has_www_authenticate(client: TestClient, name: str) -> None:
    assert "www-authenticate" not in client.get(f"/raise/{name}").headers


def test_invariant_violation_does_not_leak_detail(client: TestClient) -> None:
    response = client.get("/raise/invariant")
    body = problem_of(response, 500, "invariant_violated")
    assert body["detail"] == InvariantViolated.title
    assert SECRET_DETAIL not in response.text


def test_body_validation_failure(client: TestClient) -> None:
    response = client.post("/orders", json={"amount": 5, "count": "many"})
    body = problem_of(response, 422, "request_invalid")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert len(errors) == 2
    assert {tuple(e["location"]) for e in errors} == {("body", "amount"), ("body", "count")}
    assert all(set(e) == {"location", "message", "type"} for e in errors)
    assert "body.amount" in body["detail"]
    assert "body.count" in body["detail"]


def test_missing_body(client: TestClient) -> None:
    body = problem_of(client.post("/orders"), 422, "request_invalid")
    assert body["errors"]


def test_malformed_json_body(client: TestClient) -> None:
    response = client.post(
        "/orders", content=b"{not json", headers={"content-type": "application/json"}
    )
    problem_of(response, 422, "request_invalid")


def test_valid_body_is_not_a_problem(client: TestClient) -> None:
    response = client.post("/orders", json={"amount": "5.00", "count": 1})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"amount": "5.00"}


def test_unknown_route(client: TestClient) -> None:
    problem_of(client.get("/no/such/route"), 404, "route_not_found")


def test_wrong_method(client: TestClient) -> None:
    problem_of(client.delete("/orders"), 405, "method_not_allowed")


def test_unexpected_exception_is_internal_error(client: TestClient) -> None:
    response = client.get("/boom")
    body = problem_of(response, 500, "internal_error")
    assert body["title"] == "Internal error"
    assert body["detail"] == "Internal error"
    assert SECRET_DETAIL not in response.text
    assert "RuntimeError" not in response.text


@pytest.mark.parametrize(
    "label", ["nul\x00", "bell\x07", "tab\tin a line", "line\nbreak", "del\x7f", "c1\x85"]
)
def test_control_characters_are_refused_with_their_own_code(client: TestClient, label: str) -> None:
    response = client.post("/labels", json={"label": label})
    body = problem_of(response, 422, "invalid_characters")
    assert body["errors"] == [
        {
            "location": ["body", "label"],
            "message": "must not contain control characters",
            "type": "invalid_characters",
        }
    ]


def test_a_lone_surrogate_is_refused(client: TestClient) -> None:
    # Only a JSON escape can carry one (PostgreSQL would refuse it: it is not UTF-8).
    raw = json.dumps({"label": "a\ud800"})
    response = client.post("/labels", content=raw, headers={"content-type": "application/json"})
    problem_of(response, 422, "request_invalid")


def test_printable_text_of_any_script_is_accepted(client: TestClient) -> None:
    label = "Zoë 李 O\u2019Brien\u00a0"
    assert client.post("/labels", json={"label": label}).json() == {"label": label}


def test_multiline_text_takes_tabs_and_line_breaks_but_no_other_control(
    client: TestClient,
) -> None:
    ok = client.post("/labels", json={"label": "x", "note": "one\r\n\ttwo"})
    assert ok.status_code == 200, ok.text
    problem_of(
        client.post("/labels", json={"label": "x", "note": "a\x00"}), 422, "invalid_characters"
    )


def test_a_query_parameter_with_a_nul_is_refused(client: TestClient) -> None:
    problem_of(client.get("/labels", params={"q": "a\x00b"}), 422, "invalid_characters")
    assert client.get("/labels", params={"q": "ab"}).json() == {"q": "ab"}


def test_control_characters_with_other_mistakes_are_request_invalid(client: TestClient) -> None:
    response = client.post("/labels", json={"label": "a\x00" + "x" * 30})
    body = problem_of(response, 422, "request_invalid")
    assert [e["type"] for e in body["errors"]] == ["string_too_long"]
    response = client.post("/labels", json={"label": "a\x00", "note": 5})
    assert problem_of(response, 422, "request_invalid")["errors"]


def test_a_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.delete("/orders")
    problem_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_allow_names_every_route_of_the_path(client: TestClient) -> None:
    # GET /labels and POST /labels are two routes; the router only names the first.
    response = client.put("/labels")
    problem_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"


def test_a_body_that_is_not_json_is_body_malformed(client: TestClient) -> None:
    response = client.post(
        "/orders", content=b"\xff{not json", headers={"content-type": "application/json"}
    )
    problem_of(response, 400, "body_malformed")


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _database_app(sqlstate: str) -> TestClient:
    from sqlalchemy.exc import DBAPIError

    app = FastAPI()
    install_error_handlers(app)

    @app.post("/v1/orders")
    async def place() -> None:
        raise DBAPIError("SELECT pg_advisory_xact_lock(...)", {}, _PgError(sqlstate))

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("sqlstate", ["55P03", "40001", "40P01", "57014"])
def test_a_busy_database_is_a_503_to_retry_not_a_500(sqlstate: str) -> None:
    answer = _database_app(sqlstate).post("/v1/orders")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["code"] == "database_busy"
    assert "advisory" not in answer.text  # the statement stays server-side


@pytest.mark.parametrize("sqlstate", ["08003", "08006", "57P01", "57P03"])
def test_a_database_that_went_away_is_a_503_to_retry(sqlstate: str) -> None:
    # A restart: the connection closed (08003), the server shutting down or starting up (57P0x).
    answer = _database_app(sqlstate).post("/v1/orders")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["code"] == "database_unavailable"


def test_any_other_database_error_is_still_an_internal_error() -> None:
    answer = _database_app("23505").post("/v1/orders")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"
