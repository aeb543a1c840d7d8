"""A vendor's HTTP API that answers from a script, for tests of the adapters' calls."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from onramp.core.vendor_http import VendorRetry

NO_WAIT = VendorRetry(attempts=3, base_delay=0.0, max_delay=0.0)


@dataclass
class ScriptedVendor:
    """Answers from ``script`` in turn (a response, or an exception to raise), then 200
    ``{"ok": true}``; keeps every request it received."""

    script: list[httpx.Response | Exception] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        step = self.script.pop(0) if self.script else httpx.Response(200, json={"ok": True})
        if isinstance(step, Exception):
            raise step
        return step

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)
