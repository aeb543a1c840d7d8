"""The pages' static files: copied out of node_modules under content-hashed names by
``tools/web_assets.mjs`` (run by ``make install``), listed in ``static/manifest.json``, and
served here with a year's cache (a new content is a new name). Nothing comes from a CDN."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

STATIC_DIR = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


class AssetsNotBuilt(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"no {STATIC_DIR / 'manifest.json'}: run `make install` (the web assets)")


@cache
def manifest() -> dict[str, str]:
    """Logical name (``htmx.js``) -> hashed file name (``htmx.0123456789abcdef.js``)."""
    try:
        names: dict[str, str] = json.loads((STATIC_DIR / "manifest.json").read_text())
    except FileNotFoundError:
        raise AssetsNotBuilt() from None
    return names


def asset_url(name: str) -> str:
    return f"/static/{manifest()[name]}"


@cache
def _served() -> frozenset[str]:
    return frozenset(manifest().values())


@router.get("/static/{name}")
async def static_file(name: str) -> FileResponse:
    if name not in _served():  # only the manifest's files: no path ever reaches the disk
        raise HTTPException(status_code=404)
    return FileResponse(STATIC_DIR / name, headers={"cache-control": IMMUTABLE})
