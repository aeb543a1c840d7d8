"""A fault-injecting JSON-RPC proxy in front of anvil, for the chain fault tests.

The payout and confirmation workers are pointed at :attr:`ChainProxy.url` instead of the node;
everything passes through unchanged until the test sets :attr:`ChainProxy.faults`:

- ``failing``: these methods (``"*"``: every method) are answered with a JSON-RPC error, as a
  node behind a load balancer answers when its backend is down;
- ``http_status``: every request is answered with this HTTP status (a 502 from the gateway);
- ``hang_up_sends`` seconds: ``eth_sendRawTransaction`` reaches the node, which takes the
  transaction, and the answer never comes: the connection is held that long, then closed
  (past the client's 10 s: a timeout after the effect);
- ``drop_sends``: the next N transactions are answered with their hash and never forwarded
  (accepted, never mined); drop one and forward the next, and the next waits behind a nonce gap;
- ``drop_nonces``: every transaction at these nonces is dropped each time it is sent (the
  forgotten bytes sent again, or a copy with raised fees), so a gap stays open however soon
  the payout worker sends or replaces the forgotten transaction; with ``keep_gaps`` the
  nonces ``drop_sends`` dropped join them at once.

The chain's own faults (a reorg, a base fee spike, an empty gas balance, a paused vault) are
anvil's own calls, made by the tests. Runs in a thread of the test process; one per test.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from eth_utils.crypto import keccak
from hexbytes import HexBytes

SEND = "eth_sendRawTransaction"
NODE_ERROR = {"code": -32603, "message": "internal error: upstream unavailable"}


@dataclass
class Faults:
    failing: frozenset[str] = frozenset()
    http_status: int | None = None
    hang_up_sends: float = 0.0
    drop_sends: int = 0
    drop_nonces: frozenset[int] = frozenset()
    keep_gaps: bool = False


@dataclass
class Seen:
    """What the proxy did: calls by method, the transactions it dropped or hung up on."""

    calls: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)  # tx hashes, 0x hex
    hung_up: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # forwarded to the node, in order
    raw: dict[str, str] = field(default_factory=dict)  # every transaction sent, by its hash


def tx_hash_of(raw_hex: str) -> str:
    return "0x" + keccak(bytes.fromhex(raw_hex.removeprefix("0x"))).hex()


def nonce_of(raw_hex: str) -> int:
    """The nonce of a typed (EIP-1559) transaction, as the payout workers sign them."""
    fields = TypedTransaction.from_bytes(HexBytes(raw_hex)).as_dict()
    return int(fields["nonce"])


class ChainProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.faults = Faults()
        self.seen = Seen()
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=30.0)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def set(self, **faults: Any) -> None:
        """Replace the faults (unnamed ones are cleared): ``proxy.set(drop_sends=1)``."""
        with self._lock:
            self.faults = Faults(**faults)

    def clear(self) -> None:
        self.set()

    def __enter__(self) -> ChainProxy:
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
        self._client.close()

    # --- one request ------------------------------------------------------------------------

    def _decide(self, call: dict[str, Any]) -> tuple[str, str | None]:
        """What to do with one call: ``forward``, ``fail``, ``http``, ``drop`` or ``hang_up``
        (with the transaction's hash for the last two)."""
        method = str(call.get("method"))
        with self._lock:
            self.seen.calls[method] += 1
            faults = self.faults
            if faults.http_status is not None:
                return "http", None
            if "*" in faults.failing or method in faults.failing:
                self.seen.failed[method] += 1
                return "fail", None
            if method != SEND:
                return "forward", None
            tx_hash = tx_hash_of(call["params"][0])
            self.seen.raw[tx_hash] = call["params"][0]
            if faults.drop_sends > 0:
                held = faults.drop_nonces
                if faults.keep_gaps:
                    held = held | {nonce_of(call["params"][0])}
                self.faults = replace(faults, drop_sends=faults.drop_sends - 1, drop_nonces=held)
                self.seen.dropped.append(tx_hash)
                return "drop", tx_hash
            if faults.drop_nonces and nonce_of(call["params"][0]) in faults.drop_nonces:
                self.seen.dropped.append(tx_hash)
                return "drop", tx_hash
            self.seen.sent.append(tx_hash)
            if faults.hang_up_sends > 0:
                self.seen.hung_up.append(tx_hash)
                return "hang_up", tx_hash
        return "forward", None

    def _forward(self, body: bytes) -> bytes:
        response = self._client.post(
            self.upstream, content=body, headers={"Content-Type": "application/json"}
        )
        return response.content

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet: the workers' logs say what they saw

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                call = json.loads(body)
                if isinstance(call, list):  # a batch passes through whole
                    self._answer(200, proxy._forward(body))
                    return
                action, tx_hash = proxy._decide(call)
                if action == "http":
                    status = proxy.faults.http_status or 502
                    self._answer(status, b'{"error":"bad gateway"}')
                elif action == "fail":
                    error = {"jsonrpc": "2.0", "id": call.get("id"), "error": NODE_ERROR}
                    self._answer(200, json.dumps(error).encode())
                elif action == "drop":
                    result = {"jsonrpc": "2.0", "id": call.get("id"), "result": tx_hash}
                    self._answer(200, json.dumps(result).encode())
                elif action == "hang_up":
                    proxy._forward(body)  # the node has it
                    time.sleep(proxy.faults.hang_up_sends)
                    self.close_connection = True  # and no answer ever comes
                else:
                    self._answer(200, proxy._forward(body))

        return Handler
