"""Mailpit-style sandbox mail server: a real SMTP server that keeps what it receives, and an HTTP
API to read it, so tests and the demo read the emails a customer would get.

Run it as its own process::

    python -m onramp.devstack.mail_sandbox --smtp-port 2525 --http-port 8025

SMTP
----
Plain SMTP (no TLS, no auth) on loopback. Every accepted message is kept in memory.

Magic recipients (like an email provider's sandbox), by local part:

``bounce@…``
    refused with ``550 5.1.1 mailbox unavailable`` (a permanent failure: do not retry).
``tempfail@…``
    refused with ``451 4.3.0 try again later`` (a temporary failure: retry later).

HTTP API
--------
``GET /messages?to=<address>``
    Received messages, newest first: ``{"data": [{"id", "from", "to", "subject", "text", "html",
    "headers", "received_at"}]}``; ``to`` filters by recipient (case-insensitive).
``DELETE /messages``
    Empty the inbox. 204.
``GET /healthz``
    200 ``{"status": "ok", "smtp_port": <port>}``.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI, Response

from onramp.devstack.process import (
    SANDBOX_START_TIMEOUT,
    ManagedProcess,
    free_port,
    spawn,
    wait_for_http_health,
)

BOUNCE = "bounce"
TEMPFAIL = "tempfail"


class Inbox:
    """Every message the server accepted, in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []

    def add(self, sender: str, recipients: list[str], raw: bytes) -> None:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        body = parsed.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        html_part = parsed.get_body(preferencelist=("html",))
        html = html_part.get_content() if html_part is not None else ""
        with self._lock:
            self._messages.append(
                {
                    "id": str(uuid.uuid4()),
                    "from": sender,
                    "to": recipients,
                    "subject": str(parsed.get("Subject", "")),
                    "text": text,
                    "html": html,
                    "headers": {k: str(v) for k, v in parsed.items()},
                    "received_at": datetime.now(UTC).isoformat(),
                }
            )

    def list(self, to: str | None) -> list[dict[str, Any]]:
        with self._lock:
            found = [
                m
                for m in self._messages
                if to is None or to.lower() in (r.lower() for r in m["to"])
            ]
        return list(reversed(found))

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


class SandboxHandler:
    """aiosmtpd handler: magic recipients fail the way a real provider fails."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        local = address.split("@", 1)[0].lower()
        if local == BOUNCE:
            return "550 5.1.1 mailbox unavailable"
        if local == TEMPFAIL:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        self.inbox.add(str(envelope.mail_from), list(envelope.rcpt_tos), content)
        return "250 Message accepted"


def create_app(inbox: Inbox, smtp_port: int) -> FastAPI:
    app = FastAPI(title="mail sandbox")

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "smtp_port": smtp_port}

    @app.get("/messages")
    async def messages(to: str | None = None) -> dict[str, Any]:
        return {"data": inbox.list(to)}

    @app.delete("/messages", status_code=204)
    async def clear() -> Response:
        inbox.clear()
        return Response(status_code=204)

    return app


async def serve(smtp_port: int, http_port: int) -> None:
    inbox = Inbox()
    handler = SandboxHandler(inbox)
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(
        lambda: SMTP(handler, hostname="mail-sandbox.local"), host="127.0.0.1", port=smtp_port
    )
    config = uvicorn.Config(
        create_app(inbox, smtp_port), host="127.0.0.1", port=http_port, log_level="warning"
    )
    try:
        await uvicorn.Server(config).serve()
    finally:
        smtp.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.smtp_port, args.http_port))


@dataclass
class MailSandbox:
    process: ManagedProcess
    url: str
    smtp_host: str
    smtp_port: int

    def stop(self) -> None:
        self.process.stop()


def start_mail_sandbox(state_dir: Path, *, timeout: float = SANDBOX_START_TIMEOUT) -> MailSandbox:
    """Spawn the sandbox (logs: ``state_dir/logs/mail_sandbox.log``); return once healthy."""
    for attempt in range(1, 4):  # a free port may be taken before we bind it
        smtp_port, http_port = free_port(), free_port()
        argv = [
            sys.executable,
            "-m",
            "onramp.devstack.mail_sandbox",
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(http_port),
        ]
        process = spawn("mail_sandbox", argv, log_dir=state_dir / "logs", env={}, cwd=state_dir)
        sandbox = MailSandbox(
            process=process,
            url=f"http://127.0.0.1:{http_port}",
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
        )
        if wait_for_http_health(process, f"{sandbox.url}/healthz", timeout=timeout):
            return sandbox
        sandbox.stop()
        if attempt == 3:
            raise RuntimeError(f"mail sandbox did not start (log: {process.log_path})")
    raise AssertionError("unreachable")  # pragma: no cover


def wait_for_link_token(
    inbox_url: str, *, to: str, link_path: str, after: int = 0, timeout: float = 30.0
) -> str:
    """The token in the newest email to ``to`` whose link goes to ``link_path`` (e.g.
    ``/verify-email``), waiting for the mailer to send it; ``after``: ignore the first
    ``after`` such emails (to wait for a second one)."""
    pattern = re.compile(re.escape(link_path) + r"\?token=([A-Za-z0-9_\-]+)")
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=inbox_url, timeout=5.0, trust_env=False) as client:
        while True:
            messages = client.get("/messages", params={"to": to}).json()["data"]
            tokens = [m.group(1) for msg in messages if (m := pattern.search(msg["text"]))]
            if len(tokens) > after:
                return tokens[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no email to {to} with a {link_path} link in {timeout}s")
            time.sleep(0.05)


if __name__ == "__main__":
    main()
