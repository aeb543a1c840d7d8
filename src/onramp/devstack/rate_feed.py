"""A rate feed sandbox: serves the JSON shape ``fx.adapters.http_feed`` reads, from a thread in
the calling process, with rates a test (or a developer) sets. ``GET /`` answers the current
document; ``set`` replaces it; ``fail`` makes it answer 503 until ``set`` again."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class RateFeedSandbox:
    def __init__(self) -> None:
        self._doc: bytes = b"{}"
        self._status = 200
        self.requests = 0
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                sandbox.requests += 1
                body = sandbox._doc if sandbox._status == 200 else b'{"error":"unavailable"}'
                self.send_response(sandbox._status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def set(self, as_of: datetime, rates: dict[str, Decimal], *, base: str = "EUR") -> None:
        doc = {
            "base": base,
            "as_of": as_of.isoformat(),
            "rates": {k: str(v) for k, v in rates.items()},
        }
        self._doc = json.dumps(doc).encode()
        self._status = 200

    def set_raw(self, body: bytes) -> None:
        self._doc = body
        self._status = 200

    def fail(self, status: int = 503) -> None:
        self._status = status

    def __enter__(self) -> RateFeedSandbox:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
