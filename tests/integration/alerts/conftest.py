"""The alerts' test kit: a local webhook receiver that records what it is sent (and can be told
to fail), settings with it as the one channel, a rule of the test's own (the stack's alerts
worker evaluates only the shipped rules, so it never touches a test's alerts), and one
evaluation-and-delivery round as the worker runs it."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.alerts import AlertRule, RuleSet, deliver_due, evaluate_alerts
from onramp.auth import Principal
from onramp.core.db import unit_of_work
from onramp.core.settings import AlertChannelSettings, AlertSettings, Settings
from onramp.devstack.stack import Stack
from tests.conftest import _without_worker

SECRET = "alerts-test-secret"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[Received] = field(default_factory=list)

    def of(self, rule: str, event: str) -> list[dict[str, Any]]:
        return [
            r.payload
            for r in self.received
            if r.payload.get("rule") == rule and r.payload.get("event") == event
        ]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            box.received.append(Received(dict(self.headers.items()), body))
            self.send_response(box.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


def alert_settings(settings: Settings, receiver: Receiver, **alerts: Any) -> Settings:
    channel = AlertChannelSettings(
        name="hook", kind="webhook", url=receiver.url, secret=SecretStr(SECRET)
    )
    section = AlertSettings(channels=(channel,), **alerts)
    return settings.model_copy(update={"alerts": section})


def test_rule(check: str, threshold: float, **fields: Any) -> AlertRule:
    return AlertRule(
        name=f"t_{check}_{uuid.uuid4().hex[:8]}"[:60],
        check=check,
        threshold=threshold,
        severity="critical",
        runbook=f"docs/alerts.md#{check.replace('_', '-')}",
        **fields,
    )


test_rule.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


async def round_(
    sessions: async_sessionmaker[AsyncSession],
    rule: AlertRule,
    settings: Settings,
    now: datetime,
) -> None:
    """Evaluate (without the evaluator lock the stack's own alerts worker may hold), then
    deliver in a transaction of its own, as the worker does."""
    async with unit_of_work(sessions) as session:
        await evaluate_alerts(session, RuleSet((rule,)), settings, now)
    async with unit_of_work(sessions) as session:
        await deliver_due(session, settings, now)


def staff(role: str = "treasurer") -> Principal:
    return Principal(user_id=uuid.uuid4(), role=role, session_id=uuid.uuid4())


@contextlib.contextmanager
def without_workers(infra: Stack, *names: str) -> Iterator[None]:
    """The stack's workers that would act on a test's provocation (pay a test payout, trip the
    breaker on a test peg alarm), stopped meanwhile when they run (and started again)."""
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(contextlib.contextmanager(_without_worker)(infra, name))
        yield
