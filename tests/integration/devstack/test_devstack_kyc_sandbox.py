"""The KYC sandbox as its own process: healthy on a free port, logging to the state directory,
its secret kept out of argv, and its verdicts delivered as signed webhooks with retries."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from onramp.devstack.kyc_sandbox import SIGNATURE_HEADER, start_kyc_sandbox
from onramp.kyc.adapters.sandbox import SandboxKycVendor
from onramp.kyc.states import KycStatus

pytestmark = pytest.mark.integration

SECRET = "whsec_kyc_integration"


async def test_the_sandbox_process_delivers_signed_verdicts_with_retries(state_dir: Path) -> None:
    received: list[tuple[dict[str, str], bytes]] = []
    answers = [b"HTTP/1.1 500 Error", b"HTTP/1.1 200 OK"]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")[1:]
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines if h)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        received.append((headers, body))
        status = answers.pop(0) if answers else b"HTTP/1.1 200 OK"
        writer.write(status + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        sandbox = await asyncio.to_thread(
            start_kyc_sandbox,
            state_dir,
            webhook_url=f"http://127.0.0.1:{port}/v1/webhooks/kyc/sandbox",
            webhook_secret=SECRET,
        )
        try:
            assert SECRET not in str(sandbox.process.popen.args)  # the env carries it
            vendor = SandboxKycVendor(
                base_url=sandbox.url, secret=SECRET.encode(), tolerance_seconds=60
            )
            async with httpx.AsyncClient(base_url=sandbox.url) as client:
                assert (await client.get("/healthz")).json() == {"status": "ok"}
                created = await client.post(
                    "/applicants",
                    json={
                        "external_user_id": "case-42",
                        "first_name": "Ada",
                        "last_name": "Lovelace",
                        "dob": "1990-01-02",
                        "country": "DE",
                        "nationality": "DE",
                    },
                )
                assert created.status_code == 201
                applicant_id = created.json()["id"]
                await client.post(
                    f"/applicants/{applicant_id}/documents",
                    json={"type": "passport", "filename": "p.png"},
                )
                check = await client.post(
                    f"/applicants/{applicant_id}/checks", json={"level": "tier1"}
                )
                assert check.status_code == 202
            deadline = time.monotonic() + 15
            while len(received) < 2:
                assert time.monotonic() < deadline, received
                await asyncio.sleep(0.05)
            (first_headers, first), (headers, body) = received
            assert first == body  # the retry sends the same bytes
            assert headers[SIGNATURE_HEADER.lower()].startswith("t=")
            notice = vendor.parse_webhook(headers, body, now=datetime.now(UTC))
            assert notice.verdict is not None
            assert notice.verdict.status == KycStatus.APPROVED
            assert notice.verdict.external_id == "case-42"
            assert (state_dir / "logs" / "kyc_sandbox.log").exists()
        finally:
            sandbox.stop()
        assert not sandbox.process.alive()
