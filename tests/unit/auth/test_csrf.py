"""The signed double-submit check, one rule for both places a token may come in: the
X-CSRF-Token header (scripts) and an HTML form's csrf_token field (the web UI's forms)."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from onramp.auth import CsrfTokenInvalid, check_csrf, csrf_token

SECRET = "s" * 32
SESSION = uuid.uuid4()


def _client() -> TestClient:
    app = FastAPI()

    @app.post("/change")
    async def change(request: Request) -> JSONResponse:
        try:
            await check_csrf(
                request, session_id=SESSION, secret=SECRET, allowed_origins=frozenset()
            )
        except CsrfTokenInvalid as exc:
            return JSONResponse({"refused": exc.detail}, status_code=403)
        form = await request.form()  # still readable after the check
        return JSONResponse({"note": form.get("note")})

    return TestClient(app, base_url="https://onramp.test")


GOOD = csrf_token(SECRET, SESSION)


def test_the_token_in_the_header() -> None:
    assert _client().post("/change", headers={"X-CSRF-Token": GOOD}).status_code == 200


def test_the_token_in_a_form_field_and_the_form_stays_readable() -> None:
    answer = _client().post("/change", data={"csrf_token": GOOD, "note": "kept"})
    assert answer.status_code == 200
    assert answer.json() == {"note": "kept"}


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"note": "no token"}, {}),
        ({"csrf_token": csrf_token(SECRET, uuid.uuid4())}, {}),  # another session's
        ({"csrf_token": GOOD}, {"X-CSRF-Token": "wrong"}),  # the header, when sent, decides
        ({}, {"content-type": "application/json"}),
    ],
)
def test_a_missing_or_wrong_token_is_refused(data: dict[str, str], headers: dict[str, str]) -> None:
    assert _client().post("/change", data=data, headers=headers).status_code == 403


def test_a_form_from_another_origin_is_refused_even_with_the_token() -> None:
    answer = _client().post(
        "/change", data={"csrf_token": GOOD}, headers={"Origin": "https://evil.example"}
    )
    assert answer.status_code == 403
