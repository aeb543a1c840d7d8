"""``POST /v1/oauth/token``: the OAuth 2.0 token endpoint (client credentials only).

Requests are ``application/x-www-form-urlencoded`` as RFC 6749 requires; the client
authenticates with HTTP Basic (preferred, section 2.3.1) or ``client_id``/``client_secret``
form fields, never both. Errors are our problem+json with RFC 6749's ``error`` and
``error_description`` members added (see docs/security.md).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import parse_qs, unquote_plus

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from onramp.core.request_fields import Text, has_control_characters
from onramp.core.web import ClockDep, SessionDep, SettingsDep, check_rate, client_ip, rate_limited
from onramp.identity.api_keys.schemas import ClientCredentialsTokenOut
from onramp.identity.api_keys.service import KeyPolicy
from onramp.identity.errors import OAuthError, OAuthInvalidClient, OAuthUnsupportedGrantType
from onramp.identity.oauth import service as oauth

router = APIRouter(prefix="/v1/oauth", tags=["oauth"])

_CHALLENGE = 'Basic realm="onramp", charset="UTF-8"'
_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 4096


def _form(body: bytes, content_type: str) -> dict[str, str]:
    if content_type.split(";")[0].strip().lower() != _FORM:
        raise OAuthError(f"send the parameters as {_FORM}")
    if len(body) > _MAX_BODY:  # a key, an id and a few scopes: anything larger is not ours
        raise OAuthError(f"the request body is larger than {_MAX_BODY} bytes")
    try:
        parsed = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise OAuthError("the body is not UTF-8") from exc
    if any(has_control_characters(k + "".join(v)) for k, v in parsed.items()):
        raise OAuthError("the parameters must not contain control characters")
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:  # RFC 6749 section 3.2: parameters must not be included more than once
        raise OAuthError(f"repeated parameters: {', '.join(repeated)}")
    return {k: v[0] for k, v in parsed.items()}


def _basic(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthInvalidClient(
            "use HTTP Basic client authentication", www_authenticate=_CHALLENGE
        )
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthInvalidClient(
            "malformed Basic credentials", www_authenticate=_CHALLENGE
        ) from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthInvalidClient("malformed Basic credentials", www_authenticate=_CHALLENGE)
    # RFC 6749 section 2.3.1: both are form-urlencoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(secret)


def _client(form: dict[str, str], authorization: str | None) -> tuple[str, str]:
    in_form = "client_id" in form or "client_secret" in form
    if authorization and in_form:
        raise OAuthError("authenticate the client one way: HTTP Basic or form fields, not both")
    if authorization:
        return _basic(authorization)
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    raise OAuthInvalidClient("client authentication is missing", www_authenticate=_CHALLENGE)


@router.post(
    "/token",
    dependencies=[rate_limited("login")],
    summary="OAuth 2.0 client credentials: exchange an API key for an access token",
    description=(
        "Form-encoded `grant_type=client_credentials` and optional `scope` (space-separated, a "
        "subset of the key's scopes; all of them if omitted). Client authentication: HTTP Basic "
        "with client_id = the key's prefix and client_secret = the full key, or the same as "
        "form fields. The access token is bound to the key: revoking it ends the token at once."
    ),
    responses={
        400: {
            "description": "invalid_request, invalid_grant, invalid_scope, unsupported_grant_type"
        },
        401: {"description": "invalid_client (with WWW-Authenticate: Basic)"},
        429: {"description": "too_many_requests"},
    },
    response_model=ClientCredentialsTokenOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                _FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "scope": {"type": "string"},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    authorization: Annotated[Text | None, Header(max_length=1000)] = None,
) -> JSONResponse:
    form = _form(await request.body(), request.headers.get("content-type", ""))
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("grant_type is missing")
    if grant_type != oauth.GRANT_TYPE:
        raise OAuthUnsupportedGrantType()
    client_id, client_secret = _client(form, authorization)
    await check_rate(request, "login", "account", client_id[:40])
    try:
        issued = await oauth.client_credentials(
            session,
            client_id=client_id,
            client_secret=client_secret,
            scope=form.get("scope"),
            ip=client_ip(request),
            now=clock.now(),
            policy=KeyPolicy.from_settings(settings.api_keys),
            signing=oauth.Signing(
                secret=settings.auth.jwt_secret.get_secret_value(), issuer=settings.auth.issuer
            ),
            sessions=request.app.state.sessions,
        )
    except OAuthInvalidClient as exc:
        exc.extra.setdefault("www_authenticate", _CHALLENGE)
        raise
    body = ClientCredentialsTokenOut(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )
    # RFC 6749 section 5.1: tokens must not be cached.
    return JSONResponse(
        body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"}
    )
