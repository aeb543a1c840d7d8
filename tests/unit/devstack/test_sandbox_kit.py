"""The sandbox kit on its own: signed deliveries with bounded retries, injected delays, the
background work a sandbox stops with, problem answers and the shared command line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from onramp.core.errors import Unauthenticated
from onramp.core.webhook_signatures import verify_signature
from onramp.devstack.sandbox_kit import (
    BackgroundWork,
    DeliveryPolicy,
    SandboxProblem,
    SandboxState,
    WebhookEvent,
    WebhookSender,
    WebhookTarget,
    add_webhook_arguments,
    answer_problems,
    backoff_delay,
    require_webhook_secret,
    sandbox_app,
    sandbox_arguments,
)

SECRET = b"whsec_kit_unit"
HEADER = "Sandkit-Signature"
BODY = b'{"id":"evt_1","type":"thing.happened"}'


@dataclass
class Receiver:
    """Answers from ``outcomes`` in turn (a status, or an exception to raise), then 200."""

    outcomes: list[int | Exception] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        outcome = self.outcomes.pop(0) if self.outcomes else 200
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome)


@dataclass
class Kit:
    sender: WebhookSender
    receiver: Receiver
    sleeps: list[float]
    background: BackgroundWork


@pytest.fixture
async def kit() -> AsyncIterator[Kit]:
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)

    receiver, background = Receiver(), BackgroundWork()
    sender = WebhookSender(
        url="http://operator.test/hooks",
        secret=SECRET,
        signature_header=HEADER,
        policy=DeliveryPolicy(max_attempts=4, base_delay=0.5, max_delay=1.0),
        background=background,
        log=logging.getLogger("test.sandbox_kit"),
        transport=httpx.MockTransport(receiver.handle),
        sleep=no_wait,
    )
    yield Kit(sender, receiver, sleeps, background)
    await background.close()
    await sender.close()


async def test_every_attempt_posts_the_same_bytes_signed_at_its_own_time(kit: Kit) -> None:
    kit.receiver.outcomes = [500]
    event = WebhookEvent("evt_1", BODY)

    assert await kit.sender.deliver(event)

    assert [r.content for r in kit.receiver.received] == [BODY, BODY]
    for request in kit.receiver.received:
        assert request.headers["content-type"] == "application/json"
        verify_signature(
            SECRET,
            request.headers[HEADER],
            request.content,
            now=time.time(),
            tolerance_seconds=60,
            invalid=Unauthenticated,
        )


async def test_a_signature_under_another_secret_does_not_verify(kit: Kit) -> None:
    await kit.sender.deliver(WebhookEvent("evt_1", BODY))

    with pytest.raises(Unauthenticated):
        verify_signature(
            b"another secret",
            kit.receiver.received[0].headers[HEADER],
            BODY,
            now=time.time(),
            tolerance_seconds=60,
            invalid=Unauthenticated,
        )


async def test_failures_are_retried_until_acknowledged_and_each_attempt_is_logged(
    kit: Kit,
) -> None:
    request = httpx.Request("POST", "http://operator.test/hooks")
    kit.receiver.outcomes = [503, httpx.ConnectError("refused", request=request)]
    event = WebhookEvent("evt_1", BODY)

    assert await kit.sender.deliver(event)

    seen = [(d.attempt, d.status_code, d.acknowledged) for d in event.deliveries]
    assert seen == [(1, 503, False), (2, None, False), (3, 200, True)]
    assert event.deliveries[1].error is not None
    assert event.deliveries[1].error.startswith("ConnectError")
    assert event.deliveries[0].view()["status_code"] == 503


async def test_it_gives_up_after_the_last_attempt_with_bounded_waits_between(kit: Kit) -> None:
    kit.receiver.outcomes = [500] * 10
    event = WebhookEvent("evt_1", BODY)

    assert not await kit.sender.deliver(event)

    assert len(kit.receiver.received) == 4
    assert len(event.deliveries) == 4
    # Between attempts only, never after the last: 0.5, 1.0 (the cap), 1.0.
    assert kit.sleeps == [0.5, 1.0, 1.0]


async def test_a_redelivery_continues_the_attempt_numbers(kit: Kit) -> None:
    event = WebhookEvent("evt_1", BODY)
    await kit.sender.deliver(event)
    await kit.sender.deliver(event)

    assert [d.attempt for d in event.deliveries] == [1, 2]


async def test_a_delayed_first_delivery_waits_before_its_first_attempt(kit: Kit) -> None:
    kit.receiver.outcomes = [500]

    await kit.sender.deliver(WebhookEvent("evt_1", BODY), delay=2.0)

    assert kit.sleeps == [2.0, 0.5]


async def test_scheduled_delivery_runs_in_the_background(kit: Kit) -> None:
    event = WebhookEvent("evt_1", BODY)
    kit.sender.schedule(event)
    assert event.deliveries == []  # scheduling answers before anything is sent

    for _ in range(100):
        if event.deliveries:
            break
        await asyncio.sleep(0)
    assert [d.status_code for d in event.deliveries] == [200]


@pytest.mark.parametrize(
    ("attempt", "expected"), [(1, 0.2), (2, 0.4), (3, 0.8), (5, 3.2), (6, 5.0), (10_000, 5.0)]
)
def test_backoff_doubles_from_the_base_and_stops_at_the_cap(attempt: int, expected: float) -> None:
    assert backoff_delay(attempt) == pytest.approx(expected)


def test_backoff_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        backoff_delay(0)


async def test_closing_the_background_work_cancels_what_is_still_running() -> None:
    background = BackgroundWork()
    started, finished = asyncio.Event(), []

    async def slow() -> None:
        started.set()
        await asyncio.sleep(3600)
        finished.append(True)

    background.start(slow())
    await started.wait()
    await background.close()

    assert finished == []


class _Thing(BaseModel):
    name: str


def _app() -> FastAPI:
    app = FastAPI()
    answer_problems(app, vendor="sandkit")

    @app.post("/things")
    async def create(thing: _Thing) -> dict[str, str]:
        if thing.name == "taken":
            raise SandboxProblem(409, "name_taken", None, "that name is taken")
        return {"name": thing.name}

    return app


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "title"),
    [
        ("/things", {"name": "taken"}, 409, "name_taken", "Name taken"),
        ("/things", {"name": 1}, 422, "invalid_request", "Invalid request"),
        ("/nowhere", {}, 404, "not_found", "Not Found"),
    ],
)
async def test_failures_are_answered_as_problems_of_the_vendor(
    path: str, body: dict[str, object], status: int, code: str, title: str
) -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        response = await client.post(path, json=body)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["code"], problem["status"], problem["title"]) == (
        f"urn:sandkit:problem:{code}",
        code,
        status,
        title,
    )


def test_the_webhook_secret_comes_from_the_environment_out_of_ps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SANDKIT_SECRET", "from-env")
    parser = sandbox_arguments("onramp.devstack.kit", "a sandbox")
    add_webhook_arguments(parser, secret_env="SANDKIT_SECRET", max_attempts=7)
    args = parser.parse_args(["--port", "1", "--webhook-url", "http://x"])

    assert require_webhook_secret(parser, args, secret_env="SANDKIT_SECRET") == b"from-env"
    assert args.max_attempts == 7


def test_a_sandbox_without_a_webhook_secret_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SANDKIT_SECRET", raising=False)
    parser = sandbox_arguments("onramp.devstack.kit", "a sandbox")
    add_webhook_arguments(parser, secret_env="SANDKIT_SECRET", max_attempts=7)
    args = parser.parse_args(["--port", "1", "--webhook-url", "http://x"])

    with pytest.raises(SystemExit):
        require_webhook_secret(parser, args, secret_env="SANDKIT_SECRET")
    assert "$SANDKIT_SECRET is required" in capsys.readouterr().err


async def test_a_sandbox_app_answers_health_starts_its_work_and_stops_it_with_the_app() -> None:
    state = SandboxState(
        WebhookTarget("http://operator.test/hooks", SECRET),
        signature_header=HEADER,
        policy=DeliveryPolicy(),
        log=logging.getLogger("test.sandbox_kit"),
    )
    running = asyncio.Event()
    cancelled: list[bool] = []

    async def watch() -> None:
        running.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    app = sandbox_app("Sandkit", state, on_start=lambda: state.background.start(watch()))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
            health = await client.get("/healthz")
        await running.wait()
        assert cancelled == []

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert cancelled == [True]
