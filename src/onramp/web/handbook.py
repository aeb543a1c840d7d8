"""The docs site at ``/handbook``: the static files ``make docs`` builds into ``site/``
(``settings.dev.handbook_dir``), served as they are. Nothing is served where the site was not
built, and no path outside its directory is ever read."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.exceptions import HTTPException

from onramp.core.settings import Settings

PREFIX = "/handbook"
router = APIRouter(include_in_schema=False)


def _site(request: Request) -> Path:
    settings: Settings = request.app.state.settings
    return settings.dev.handbook_dir.resolve()


@router.get(PREFIX)
async def handbook_root() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/index.html", status_code=307)


@router.get(PREFIX + "/{path:path}")
async def handbook_file(path: str, request: Request) -> FileResponse:
    site = _site(request)
    target = (site / (path or "index.html")).resolve()
    if target.is_dir():
        target = target / "index.html"
    # resolve() has followed every ``..`` and link: a target outside the site is refused.
    if not target.is_relative_to(site) or not target.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(target)
