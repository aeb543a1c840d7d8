"""Fetch a list published at a URL into a local file, so the adapters only ever read files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from onramp.compliance.errors import SanctionsListInvalid, SanctionsListUnavailable

_TIMEOUT = httpx.Timeout(30.0, read=300.0)  # the full advanced XML is 120 MB


def is_url(spec: str) -> bool:
    return urlsplit(spec).scheme in ("http", "https")


def fetch_list(url: str, folder: Path) -> Path:
    """Download ``url`` into ``folder`` under its own file name (which tells its format)."""
    name = Path(urlsplit(url).path).name
    if not name:
        raise SanctionsListInvalid(f"{url}: the URL names no file")
    target = folder / name
    try:
        with httpx.stream("GET", url, timeout=_TIMEOUT, follow_redirects=True) as response:
            response.raise_for_status()
            with target.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise SanctionsListUnavailable(f"{url}: {exc}") from exc
    return target
