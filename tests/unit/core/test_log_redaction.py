"""Error logs never carry a bearer token, a cookie, a password, a secret or a settings object,
even in a traceback's local variables: a failing request carrying each is logged by a process
set up as onramp's are, and its log is grepped."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import jwt

from onramp.core.log_redaction import REDACTED, redact, redact_text, sensitive_name


def test_a_failing_request_logs_none_of_its_credentials() -> None:
    jwt_secret = secrets.token_urlsafe(32)
    webhook_secret = secrets.token_urlsafe(32)
    carried = {
        "T_JWT": jwt.encode({"sub": "someone", "role": "admin"}, jwt_secret, algorithm="HS256"),
        "T_REFRESH": "rt_" + secrets.token_urlsafe(32),
        "T_PASSWORD": "correct horse battery " + secrets.token_hex(4),
        "T_API_KEY": "onr_live_abcdefabcdef_" + secrets.token_urlsafe(24),
    }
    env = (
        os.environ
        | carried
        | {
            "ONRAMP_AUTH__JWT_SECRET": jwt_secret,
            "ONRAMP_BANKING__WEBHOOK_SECRET": webhook_secret,
        }
    )
    run = subprocess.run(
        [sys.executable, "-m", "tests.unit.core.failing_request"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    log = run.stderr
    assert run.stdout.strip() == "500"
    assert "api.unhandled" in log  # the failure itself is logged
    assert "RuntimeError" in log
    assert '"locals"' in log  # with the frames' variables, redacted
    assert "stdlib" in log
    assert "ValueError" in log
    for name, value in carried.items() | {("jwt secret", jwt_secret), ("webhook", webhook_secret)}:
        assert value not in log, f"{name} reached the log"
    assert carried["T_JWT"][:20] not in log
    assert "Settings(" not in log
    assert "BankingSettings" not in log


def test_names_that_hold_credentials() -> None:
    for name in (
        "password",
        "new_password",
        "Authorization",
        "cookie",
        "set-cookie",
        "jwt_secret",
        "webhook_secret",
        "refresh_token",
        "api_key",
        "private_key",
        "user_pin",
        "client_secret",
        "quote_signing_key",
    ):
        assert sensitive_name(name), name
    for name in ("token_label", "order_id", "idempotency_key", "mapping", "spinner", "key_id"):
        assert not sensitive_name(name), name


def test_shapes_that_are_credentials_anywhere_in_a_text() -> None:
    text = (
        "headers={'authorization': 'Bearer abc.def.ghi', 'x': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx'}"
        " body=LoginIn(email='a@b.c', password='hunter2hunter2') key=onr_test_k3y_s3cr3t"
        " rt_0123456789abcdefghij"
    )
    clean = redact_text(text)
    for leaked in ("abc.def.ghi", "eyJhbGci", "hunter2", "k3y_s3cr3t", "0123456789abcdef"):
        assert leaked not in clean, leaked
    assert "email='a@b.c'" in clean  # what is not a credential stays readable


def test_nested_fields_are_redacted_by_name() -> None:
    event = {"event": "x", "request": {"headers": {"cookie": "a=b", "accept": "json"}}}
    assert redact(event) == {
        "event": "x",
        "request": {"headers": {"cookie": REDACTED, "accept": "json"}},
    }
