"""Jinja2 rendering: autoescaped templates, the asset URLs, money with its currency's decimals
and times with their zone, and the CSRF token every form carries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from onramp.auth import Principal, csrf_token
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.web.assets import asset_url

TEMPLATES = Path(__file__).parent / "templates"


def money(minor: int | Decimal | str | None, currency: str) -> str:
    """Minor units (an int, or the Decimal a Numeric(78, 0) column reads as), or an amount as
    the API writes it (a string: "12.50"), with the currency's decimals and its code."""
    if minor is None:
        return "—"
    amount = Money.parse(minor, currency) if isinstance(minor, str) else Money(int(minor), currency)
    return f"{amount} {currency}"


def when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M %Z")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset_url
    env.filters["money"] = money
    env.filters["when"] = when
    return env


_ENV = _environment()


def form_token(request: Request, principal: Principal) -> str:
    """The session's CSRF token, for the hidden field of every form a signed-in page shows."""
    settings: Settings = request.app.state.settings
    return csrf_token(settings.auth.jwt_secret.get_secret_value(), principal.login_session())


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
    **context: Any,
) -> HTMLResponse:
    if principal is not None:
        context["csrf"] = form_token(request, principal)
    page = _ENV.get_template(template).render(
        request=request,
        path=request.url.path,
        principal=principal,
        csrf=context.pop("csrf", ""),
        error=context.pop("error", None),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)
