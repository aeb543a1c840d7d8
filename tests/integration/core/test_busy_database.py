"""A lock timeout or a serialization failure, two sessions contending: the API answers
``503 database_busy`` (never a 500), a consumer leaves the event unacknowledged for redelivery,
and the unit of work that lost changed nothing (no half-applied change). On a PostgreSQL of the
test's own, whose tables the tests make."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from nats.aio.msg import Msg
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.api.errors import PROBLEM_JSON, install_error_handlers
from onramp.core.consumer import Consumer, handle_messages
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.inbox import HandledEvent
from onramp.core.outbox import make_event
from onramp.core.web import SessionDep
from tests.integration.core.conftest import OwnPostgres

pytestmark = pytest.mark.integration

# Short for the test: the stack's connections wait 15 s (core/db SERVER_SETTINGS).
SHORT_LOCK_TIMEOUT = text("SET LOCAL lock_timeout = '200ms'")
ACCOUNT = 1


@pytest.fixture
async def sessions(own_postgres: OwnPostgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(own_postgres.url(), pool_size=4, max_overflow=0)
    async with engine.begin() as connection:
        inbox = cast(Table, HandledEvent.__table__)
        await connection.run_sync(lambda sync: inbox.create(sync))
        await connection.execute(text("CREATE TABLE accounts (id int PRIMARY KEY, balance int)"))
        await connection.execute(text("CREATE TABLE transfers (id uuid PRIMARY KEY)"))
        await connection.execute(text("INSERT INTO accounts VALUES (1, 100)"))
    yield session_factory(engine)
    await engine.dispose()


async def transfer(session: AsyncSession, transfer_id: uuid.UUID) -> None:
    """Two changes in one unit of work: a transfer row first, then the contended balance."""
    await session.execute(SHORT_LOCK_TIMEOUT)
    await session.execute(text("INSERT INTO transfers VALUES (:id)"), {"id": transfer_id})
    await session.execute(
        text("UPDATE accounts SET balance = balance - 1 WHERE id = :id"), {"id": ACCOUNT}
    )


async def books(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """(the account's balance, the transfers recorded)."""
    async with unit_of_work(sessions) as session:
        balance = await session.scalar(text("SELECT balance FROM accounts WHERE id = 1"))
        transfers = await session.scalar(text("SELECT count(*) FROM transfers"))
    return balance, transfers


@dataclass
class Holder:
    """Another session holding the account's row locked until released."""

    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def hold(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with unit_of_work(sessions) as holder:
            await holder.execute(text("SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE"))
            self.held.set()
            await self.release.wait()


@dataclass
class Gate:
    """Where the serializable request stops: after its snapshot, before its write."""

    read: asyncio.Event = field(default_factory=asyncio.Event)
    write: asyncio.Event = field(default_factory=asyncio.Event)


def api(sessions: async_sessionmaker[AsyncSession], gate: Gate) -> FastAPI:
    app = FastAPI()
    app.state.sessions = sessions
    install_error_handlers(app)

    @app.post("/transfers/{transfer_id}")
    async def post_transfer(transfer_id: uuid.UUID, session: SessionDep) -> dict[str, str]:
        await transfer(session, transfer_id)
        return {"id": str(transfer_id)}

    @app.post("/repeatable-transfers/{transfer_id}")
    async def repeatable(transfer_id: uuid.UUID, session: SessionDep) -> dict[str, str]:
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        await session.execute(text("SELECT balance FROM accounts WHERE id = 1"))  # the snapshot
        gate.read.set()
        await gate.write.wait()
        await transfer(session, transfer_id)
        return {"id": str(transfer_id)}

    return app


def assert_busy(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["code"] == "database_busy"


async def test_a_lock_timeout_is_a_503_that_changed_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    transport = httpx.ASGITransport(app=api(sessions, Gate()))
    holder = Holder()
    holding = asyncio.create_task(holder.hold(sessions))
    await holder.held.wait()
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        transfer_id = uuid.uuid4()
        assert_busy(await http.post(f"/transfers/{transfer_id}"))
        assert await books(sessions) == (100, 0)  # the transfer row went with the rollback
        holder.release.set()
        await holding
        again = await http.post(f"/transfers/{transfer_id}")  # the client's retry
        assert again.status_code == 200, again.text
    assert await books(sessions) == (99, 1)


async def test_a_serialization_failure_is_a_503_that_changed_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    gate = Gate()
    transport = httpx.ASGITransport(app=api(sessions, gate))
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        transfer_id = uuid.uuid4()
        request = asyncio.create_task(http.post(f"/repeatable-transfers/{transfer_id}"))
        await gate.read.wait()
        async with unit_of_work(sessions) as other:  # commits after the request's snapshot
            await other.execute(text("UPDATE accounts SET balance = balance + 10 WHERE id = 1"))
        gate.write.set()
        assert_busy(await request)  # "could not serialize access due to concurrent update"
    assert await books(sessions) == (110, 0)


@dataclass
class FakeMsg:
    """A JetStream message as the consumer sees it: its payload and how it was settled."""

    data: bytes
    subject: str = "onramp.test.transfer.v1"
    settled: list[str] = field(default_factory=list)
    metadata: Any = field(default_factory=lambda: SimpleNamespace(num_delivered=1))

    async def ack(self) -> None:
        self.settled.append("ack")

    async def nak(self, delay: float | None = None) -> None:
        self.settled.append("nak")

    async def term(self) -> None:
        self.settled.append("term")


async def apply_transfers(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    for event in events:
        await transfer(session, uuid.UUID(event.data["transfer"]))


async def test_a_consumer_that_times_out_on_a_lock_leaves_the_event_for_redelivery(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(name="transfers", subjects=("onramp.test.>",), handle=apply_transfers)
    event = make_event(
        "onramp.test.transfer.v1", {"transfer": str(uuid.uuid4())}, source="onramp/tests"
    )
    holder = Holder()
    holding = asyncio.create_task(holder.hold(sessions))
    await holder.held.wait()
    first = FakeMsg(event.to_json())
    await handle_messages(sessions, consumer, cast(list[Msg], [first]))
    assert first.settled == ["nak"]  # redelivered later, not lost, not acknowledged
    assert await books(sessions) == (100, 0)  # neither the effect nor the inbox row stayed
    async with unit_of_work(sessions) as session:
        assert await session.scalar(text("SELECT count(*) FROM inbox")) == 0

    holder.release.set()
    await holding
    redelivered, twice = FakeMsg(event.to_json()), FakeMsg(event.to_json())
    await handle_messages(sessions, consumer, cast(list[Msg], [redelivered]))
    await handle_messages(sessions, consumer, cast(list[Msg], [twice]))
    assert (redelivered.settled, twice.settled) == (["ack"], ["ack"])
    assert await books(sessions) == (99, 1)  # applied once: the inbox skipped the second
