"""A process that logs as onramp's do and serves one request that fails with credentials all
around it (run by test_log_redaction.py, which greps what this process logged)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import httpx
from fastapi import Request

from onramp.core.logging import configure_logging
from onramp.core.settings import Settings
from onramp.runtime.app import create_app


async def main() -> None:
    configure_logging(level="INFO", process="test")
    settings = Settings()
    app = create_app(settings)

    @app.post("/boom")
    async def boom(request: Request) -> None:
        body = await request.json()
        password = body["password"]  # a local variable named like what it holds
        headers = dict(request.headers)
        config = settings
        raise RuntimeError(f"refused {request.headers['authorization']} for {password[:0]}")
        del headers, config

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        r = await client.post(
            "/boom",
            json={"password": os.environ["T_PASSWORD"], "api_key": os.environ["T_API_KEY"]},
            headers={
                "Authorization": f"Bearer {os.environ['T_JWT']}",
                "Cookie": f"__Host-onramp_refresh={os.environ['T_REFRESH']}",
            },
        )
    sys.stdout.write(f"{r.status_code}\n")
    try:
        raise ValueError(f"upstream said no to Bearer {os.environ['T_JWT']}")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("stdlib %s", os.environ["T_REFRESH"])


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
