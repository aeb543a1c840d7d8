"""What ``Client`` and ``AsyncClient`` share: the bearer credential they send."""

from __future__ import annotations

import httpx


class Session:
    http: httpx.Client | httpx.AsyncClient

    def use_token(self, token: str) -> None:
        """Send ``token`` (a login's access token, a client-credentials token) from now on."""
        self.http.headers["Authorization"] = f"Bearer {token}"

    def use_api_key(self, key: str) -> None:
        """Send the API key itself on every request (``onr_live_…``)."""
        self.use_token(key)

    def sign_out_locally(self) -> None:
        self.http.headers.pop("Authorization", None)
