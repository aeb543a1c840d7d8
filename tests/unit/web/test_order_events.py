"""The order's progress stream asks, each time it looks, whether the session that opened it is
still open, and ends (``end``, ``signed_out``) once it was signed out, revoked or expired."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from onramp.auth import Principal
from onramp.web.customer import order_page

NOW = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
CUSTOMER = Principal(uuid.uuid4(), "customer", uuid.uuid4())


def _request() -> Any:
    state = SimpleNamespace(
        sessions=None, clock=SimpleNamespace(now=lambda: NOW), settings=SimpleNamespace()
    )
    return SimpleNamespace(app=SimpleNamespace(state=state), client=SimpleNamespace(host="1.2.3.4"))


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The session's state at each look (True: open); the order never ends by itself."""
    open_at: list[bool] = []
    looks = iter(range(1000))

    @asynccontextmanager
    async def work(sessions: object) -> AsyncIterator[None]:
        yield None

    async def still_open(session: object, principal: Principal, **_: object) -> bool:
        return open_at.pop(0)

    async def progress(*_: object) -> dict[str, Any]:
        return {"live": True, "look": next(looks)}

    def render(request: object, template: str, **context: Any) -> Any:
        return SimpleNamespace(body=f"<p>{context['look']}</p>".encode())

    monkeypatch.setattr(order_page, "unit_of_work", work)
    monkeypatch.setattr(order_page, "still_open", still_open)
    monkeypatch.setattr(order_page, "_progress", progress)
    monkeypatch.setattr(order_page, "render", render)
    monkeypatch.setattr(order_page, "POLL_SECONDS", 0)
    return open_at


async def test_the_stream_ends_when_the_session_is_signed_out(stream: list[bool]) -> None:
    stream.extend([True, True, False, True])
    events = [e async for e in order_page._events(_request(), CUSTOMER, uuid.uuid4())]
    assert [(e.event, e.data) for e in events] == [
        ("progress", "<p>0</p>"),
        ("progress", "<p>1</p>"),
        ("end", "signed_out"),
    ]
    assert stream == [True]  # no look after the end


async def test_a_stream_opened_on_a_closed_session_shows_nothing(stream: list[bool]) -> None:
    stream.append(False)
    events = [e async for e in order_page._events(_request(), CUSTOMER, uuid.uuid4())]
    assert [(e.event, e.data) for e in events] == [("end", "signed_out")]
