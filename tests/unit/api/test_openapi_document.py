"""The OpenAPI document is one a client (or a fuzzer) can rely on: every reference resolves,
every error status an operation can give is listed with the problem+json schema, and an empty
answer documents no body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from onramp.api.app import PUBLIC_ROUTES
from onramp.api.errors import PROBLEM_JSON
from onramp.core.settings import Settings
from onramp.runtime.app import create_app

PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings()).openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    unresolved = {
        ref
        for ref in _refs(document)
        if not (ref.startswith("#/components/schemas/") and ref.split("/")[-1] in schemas)
    }
    assert not unresolved


def test_every_error_is_a_problem(document: dict[str, Any]) -> None:
    wrong = [
        f"{method} {path} {status}"
        for method, path, operation in _operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and response.get("content") != PROBLEM
    ]
    assert not wrong
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_what_every_operation_can_answer_is_listed(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in _operations(document):
        listed = set(operation["responses"])
        parameters = operation.get("parameters", [])
        expected = set()
        if (method, path) not in PUBLIC_ROUTES:
            expected |= {"401", "403"}
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if parameters or "requestBody" in operation:
            expected.add("422")
        if "requestBody" in operation:
            expected.add("400")
        if any(p["name"].lower() == "idempotency-key" for p in parameters):
            expected |= {"400", "409"}
        missing += [f"{method} {path} {status}" for status in sorted(expected - listed)]
    assert not missing


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/auth/login"), ("POST", "/v1/quotes"), ("POST", "/v1/orders")],
)
def test_rate_limited_operations_list_429(document: dict[str, Any], method: str, path: str) -> None:
    assert "429" in document["paths"][path][method.lower()]["responses"]


def test_declared_codes_are_kept_beside_the_derived_ones(document: dict[str, Any]) -> None:
    conflict = document["paths"]["/v1/orders"]["post"]["responses"]["409"]["description"]
    assert "quote_expired" in conflict
    assert "idempotency_key_reused" in conflict


@pytest.mark.parametrize(
    "path", ["/v1/auth/password-reset", "/v1/me/email-verification", "/v1/me/email-change"]
)
def test_an_empty_202_documents_no_body(document: dict[str, Any], path: str) -> None:
    assert "content" not in document["paths"][path]["post"]["responses"]["202"]


def test_text_inputs_show_their_rule(document: dict[str, Any]) -> None:
    label = document["components"]["schemas"]["WalletIn"]["properties"]["label"]
    assert label["maxLength"] == 100
    assert label["pattern"] == "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
