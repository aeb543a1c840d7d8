"""POST one signed webhook to the address that was checked (never resolving the name twice, so
a DNS answer that changes between the check and the request cannot reach an internal address)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from onramp.webhooks.addresses import UrlPolicy, checked_address, parse_url
from onramp.webhooks.errors import WebhookUrlInvalid, WebhookUrlNotAllowed

MAX_ERROR = 300


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None = None
    error: str | None = None


class WebhookSender:
    """One HTTP client for a worker's deliveries: no redirects followed, no proxy from the
    environment, a timeout on each request."""

    def __init__(self, *, policy: UrlPolicy, timeout_seconds: float) -> None:
        self.policy = policy
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds, follow_redirects=False, trust_env=False
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def post(self, url: str, *, headers: dict[str, str], body: bytes) -> Outcome:
        try:
            target = parse_url(url, self.policy)
            address = await checked_address(target, self.policy)
        except (WebhookUrlInvalid, WebhookUrlNotAllowed) as exc:
            return Outcome(False, error=str(exc)[:MAX_ERROR])
        pinned = httpx.URL(url).copy_with(host=str(address))
        host = f"[{target.host}]" if ":" in target.host else target.host  # an IPv6 literal
        default_port = {"https": 443, "http": 80}[target.scheme]
        host_header = host if target.port == default_port else f"{host}:{target.port}"
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            response = await self._client.post(
                pinned,
                content=body,
                headers={**headers, "host": host_header, "user-agent": "onramp-webhooks/1"},
                extensions=extensions,
            )
        except httpx.HTTPError as exc:
            return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
        if 200 <= response.status_code < 300:
            return Outcome(True, response.status_code)
        return Outcome(False, response.status_code, f"HTTP {response.status_code}")
