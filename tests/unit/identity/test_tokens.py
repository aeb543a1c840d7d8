"""Access tokens: anything but a fresh HS256 token for this issuer and audience is refused."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from onramp.auth.tokens import (
    AUDIENCE,
    issue_access_token,
    issue_client_token,
    new_refresh_token,
    refresh_token_hash,
    verify_access_token,
)
from onramp.identity.errors import InvalidToken

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
ISSUER = "onramp"
USER, SESSION = uuid.uuid4(), uuid.uuid4()


def _token(**overrides: object) -> str:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(USER),
        "role": "customer",
        "sid": str(SESSION),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_a_valid_token_names_user_role_and_session() -> None:
    token = issue_access_token(
        user_id=USER,
        role="customer",
        session_id=SESSION,
        secret=SECRET,
        issuer=ISSUER,
        ttl_seconds=600,
        now=datetime.now(UTC),
    )
    principal = verify_access_token(token, secret=SECRET, issuer=ISSUER)
    assert (principal.user_id, principal.role, principal.session_id) == (USER, "customer", SESSION)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("alg none", _b64({"alg": "none", "typ": "JWT"}) + "." + _token().split(".")[1] + "."),
        (
            "wrong key",
            jwt.encode({"sub": str(USER)}, "another-secret-also-long-enough-xx", "HS256"),
        ),
        ("expired", _token(exp=int((datetime.now(UTC) - timedelta(seconds=1)).timestamp()))),
        ("wrong audience", _token(aud="someone-else")),
        ("no audience", _token(aud=None)),
        ("wrong issuer", _token(iss="evil")),
        ("no session", _token(sid=None)),
        ("bad subject", _token(sub="not-a-uuid")),
        ("garbage", "x.y.z"),
        ("empty", ""),
    ],
)
def test_tampered_tokens_are_refused(name: str, token: str) -> None:
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret=SECRET, issuer=ISSUER)


def test_a_token_with_a_changed_payload_fails_its_signature() -> None:
    header, _, signature = _token().split(".")
    forged = _b64(
        {
            "sub": str(uuid.uuid4()),
            "sid": str(SESSION),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": 0,
            "exp": 4_000_000_000,
            "role": "admin",
        }
    )
    with pytest.raises(InvalidToken):
        verify_access_token(f"{header}.{forged}.{signature}", secret=SECRET, issuer=ISSUER)


def test_refresh_tokens_are_random_and_stored_as_hashes() -> None:
    a, b = new_refresh_token(), new_refresh_token()
    assert a != b
    assert a.startswith("rt_")
    assert len(refresh_token_hash(a)) == 32
    assert refresh_token_hash(a) != refresh_token_hash(b)


def test_a_client_credentials_token_names_its_key_and_scopes() -> None:
    key_id = uuid.uuid4()
    token = issue_client_token(
        user_id=USER,
        role="customer",
        api_key_id=key_id,
        scopes=frozenset({"orders:read_own", "quotes:create"}),
        secret=SECRET,
        issuer=ISSUER,
        ttl_seconds=600,
        now=datetime.now(UTC),
    )
    principal = verify_access_token(token, secret=SECRET, issuer=ISSUER)
    assert principal.api_key_id == key_id
    assert principal.session_id is None
    assert principal.scopes == {"orders:read_own", "quotes:create"}
    with pytest.raises(InvalidToken):
        principal.login_session()


def test_a_token_naming_both_a_session_and_a_key_is_refused() -> None:
    claims = {"sid": str(SESSION), "akid": str(uuid.uuid4()), "scope": ""}
    with pytest.raises(InvalidToken):
        verify_access_token(_token(**claims), secret=SECRET, issuer=ISSUER)


def test_a_token_naming_neither_a_session_nor_a_key_is_refused() -> None:
    token = jwt.encode(
        {
            "sub": str(USER),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(datetime.now(UTC).timestamp()),
            "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret=SECRET, issuer=ISSUER)
