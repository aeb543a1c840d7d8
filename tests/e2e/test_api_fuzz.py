"""Schemathesis over every operation of the running API, as a customer and anonymously.

A failure is any 5xx, a status, content type, body or header the OpenAPI document does not
give for that operation, an error that is not ``application/problem+json``, or a 405 whose
``Allow`` is wrong. Inputs are derived from a fixed seed, so a failure replays:

    ONRAMP_FUZZ_SEED=14 .venv/bin/pytest tests/e2e/test_api_fuzz.py -x

``ONRAMP_FUZZ_SEED`` picks other inputs and ``ONRAMP_FUZZ_EXAMPLES`` (default 5) widens the
fuzzing phase, for a longer hunt than the suite's few minutes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from onramp.api.errors import PROBLEM_JSON
from onramp.core.settings import Settings
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import register

SEED = int(os.environ.get("ONRAMP_FUZZ_SEED", "14"))
EXAMPLES = int(os.environ.get("ONRAMP_FUZZ_EXAMPLES", "5"))
# These end the caller's own session or account: as a customer they run as one of their own.
ENDS_THE_SESSION = {("POST", "/v1/auth/logout"), ("POST", "/v1/me/erasure")}


@schemathesis.check
def errors_are_problem_json(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith(PROBLEM_JSON), (
            f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
        )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
    allow_header_conformance,
    errors_are_problem_json,
]


def _customer_token(stack: Stack) -> str:
    async def login() -> str:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
            await register(client, stack)
            return client.headers["Authorization"].removeprefix("Bearer ")

    return asyncio.run(login())


def _document() -> dict[str, Any]:
    """The API's OpenAPI document as the app builds it: Schemathesis makes one test per
    operation at collection, before the stack runs (test_the_document_is_the_served_one)."""
    return create_app(Settings()).openapi()


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


def test_the_document_is_the_served_one(stack: Stack) -> None:
    served = httpx.get(f"{stack.api_url}/openapi.json", timeout=10.0)
    assert served.json() == _document()


@pytest.fixture(scope="module")
def customer_token(stack: Stack) -> str:
    return _customer_token(stack)


@pytest.fixture(scope="module")
def customer_headers(
    stack: Stack, customer_token: str
) -> Callable[[schemathesis.Case], dict[str, str]]:
    def headers(case: schemathesis.Case) -> dict[str, str]:
        key = (case.method.upper(), case.path)
        token = _customer_token(stack) if key in ENDS_THE_SESSION else customer_token
        return {"Authorization": f"Bearer {token}"}

    return headers


SETTINGS = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def call_and_check(case: schemathesis.Case, stack: Stack, headers: dict[str, str]) -> None:
    try:
        case.call_and_validate(base_url=stack.api_url, headers=headers, checks=CHECKS)
    except Exception as failure:
        failure.add_note(f"replay with ONRAMP_FUZZ_SEED={SEED} ONRAMP_FUZZ_EXAMPLES={EXAMPLES}")
        raise


@schema.parametrize()
@SETTINGS
def test_as_a_customer(
    case: schemathesis.Case,
    stack: Stack,
    customer_headers: Callable[[schemathesis.Case], dict[str, str]],
) -> None:
    call_and_check(case, stack, customer_headers(case))


@schema.parametrize()
@SETTINGS
def test_anonymously(case: schemathesis.Case, stack: Stack) -> None:
    call_and_check(case, stack, {})
