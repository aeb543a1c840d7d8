from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import service
from onramp.identity.errors import InvalidToken
from onramp.identity.schemas import LoginRequest, RegisterRequest, TokenOut, UserOut
from onramp.identity.tokens import Principal, issue_access_token, verify_access_token

router = APIRouter(prefix="/v1/auth", tags=["auth"])
_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken()
    settings: Settings = request.app.state.settings
    return verify_access_token(
        credentials.credentials,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
    )


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Register a customer account",
    responses={409: {"description": "email_taken"}, 422: {"description": "password_too_weak"}},
)
async def register(body: RegisterRequest, session: SessionDep) -> UserOut:
    user = await service.register(
        session, email=body.email, password=body.password, full_name=body.full_name
    )
    return UserOut(
        id=user.id, email=user.email, full_name=user.full_name, created_at=user.created_at
    )


@router.post(
    "/login",
    summary="Exchange email and password for a bearer access token",
    responses={401: {"description": "invalid_credentials"}},
)
async def login(
    body: LoginRequest, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    user = await service.authenticate(session, email=body.email, password=body.password)
    token = issue_access_token(
        user_id=user.id,
        role=user.role,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
        ttl_seconds=settings.auth.access_token_ttl_seconds,
        now=clock.now(),
    )
    return TokenOut(
        access_token=token, expires_in=settings.auth.access_token_ttl_seconds, user_id=user.id
    )
