"""The dev stack on services someone else runs (``onramp dev --services``,
``ONRAMP_DEV__SERVICES``): the PostgreSQL, NATS JetStream and Redis that ``ONRAMP_DATABASE__URL``,
``ONRAMP_NATS__URL`` and ``ONRAMP_REDIS_URL`` name, instead of the embedded PostgreSQL and NATS.
The stack uses them and never stops them; the API and the workers it starts share Redis's rate
limit counters. The rest (anvil, SoftHSM2, the vendor sandboxes) is still the stack's own.

A clean start books the vault's funding into the database, so it refuses a database that holds
onramp's tables already or a JetStream that has the stream already: their events and books would
mix with the new chain's. Give an empty database (and a stream of another name, or none)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
import nats
from nats.js.errors import NotFoundError
from sqlalchemy.engine import make_url

from onramp.core.settings import Settings


class ServicesUnusable(RuntimeError):
    """The given services cannot carry a dev stack (unset, unreachable, or not empty)."""


@dataclass(frozen=True)
class ExternalPostgres:
    """A PostgreSQL server the stack uses and does not own."""

    database_url: str
    pid: int | None = None  # not ours: stack.json names no pid

    def url(self, database: str | None = None) -> str:
        """The URL of ``database`` on that server (the configured one by default)."""
        if database is None:
            return self.database_url
        return make_url(self.database_url).set(database=database).render_as_string(False)

    def stop(self, *, timeout: float = 0.0) -> None:
        """Nothing: the server is not ours to stop."""


@dataclass(frozen=True)
class ExternalNats:
    """A NATS JetStream server the stack uses and does not own."""

    url: str
    pid: int | None = None

    def stop(self, *, timeout: float = 0.0) -> None:
        """Nothing: the server is not ours to stop."""


def external_services(settings: Settings) -> tuple[ExternalPostgres, ExternalNats]:
    """The configured services, once they answer (and, for a clean start, are empty: see
    ``check_empty``)."""
    missing = [
        name
        for name, value in (
            ("ONRAMP_DATABASE__URL", settings.database.url),
            ("ONRAMP_NATS__URL", settings.nats.url),
        )
        if not value
    ]
    if missing:
        raise ServicesUnusable(f"--services needs {' and '.join(missing)}")
    return ExternalPostgres(settings.database.url), ExternalNats(settings.nats.url)


def check_empty(settings: Settings) -> None:
    """Refuse a database with onramp's tables or a JetStream with its stream (clean start)."""
    asyncio.run(_check_empty(settings))


async def _check_empty(settings: Settings) -> None:
    dsn = make_url(settings.database.url).set(drivername="postgresql")
    try:
        conn = await asyncpg.connect(dsn.render_as_string(False))
    except (OSError, asyncpg.PostgresError) as exc:
        where = settings.database.url
        raise ServicesUnusable(f"cannot reach PostgreSQL at {where}: {exc}") from exc
    try:
        if await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
            raise ServicesUnusable(
                f"the database {dsn.database!r} holds onramp's tables already; "
                "give an empty one for a clean start"
            )
    finally:
        await conn.close()
    try:
        client = await nats.connect(settings.nats.url, max_reconnect_attempts=0)
    except Exception as exc:  # noqa: BLE001 - the client raises several kinds; all mean unreachable
        raise ServicesUnusable(f"cannot reach NATS at {settings.nats.url}: {exc}") from exc
    try:
        await client.jetstream().stream_info(settings.nats.stream)
    except NotFoundError:
        return
    finally:
        await client.close()
    raise ServicesUnusable(
        f"JetStream at {settings.nats.url} has the stream {settings.nats.stream!r} already; "
        "delete it or start from the database that goes with it"
    )
