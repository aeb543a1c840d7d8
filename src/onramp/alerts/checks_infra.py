"""The checks that ask something outside the database: the chain (balances against the
treasury's policies), the HSM, NATS JetStream; and the data keys' age."""

from __future__ import annotations

import asyncio
import functools
from datetime import datetime

from sqlalchemy import func, select

from onramp.alerts.context import Breach, CheckContext
from onramp.chain import ChainClient
from onramp.core.bus import connect_bus
from onramp.core.certificates import certificate_expiries
from onramp.core.keys import Hsm, HsmUnavailable
from onramp.core.keys.models import DataKey
from onramp.treasury import read_positions

MIN_USDC = 1_000_000  # USDC base units in one USDC


@functools.cache
def _client(rpc_url: str) -> ChainClient:
    """One client per node for the process (each keeps its own HTTP session)."""
    return ChainClient(rpc_url)


async def _positions(ctx: CheckContext) -> list[tuple[str, int, int | None, int, int | None]]:
    """(wallet, available USDC, its minimum, ether wei, its gas minimum) of every treasury
    wallet; none when no chain is configured."""
    chain = ctx.settings.chain
    if not (chain.rpc_url and chain.usdc_address):
        return []
    found = await read_positions(
        ctx.session, _client(chain.rpc_url), usdc=chain.usdc_address, now=ctx.now
    )
    return [
        (
            w.liquidity.wallet.name,
            w.liquidity.available,
            w.liquidity.policy.minimum,
            w.ether_wei,
            None if w.liquidity.wallet.min_gas_wei is None else int(w.liquidity.wallet.min_gas_wei),
        )
        for w in found.wallets
    ]


async def vault_below_minimum(ctx: CheckContext) -> list[Breach]:
    return [
        Breach(
            name,
            f"wallet {name} holds {available / MIN_USDC:.2f} USDC available, below its minimum "
            f"of {minimum / MIN_USDC:.2f}",
            f"{available / MIN_USDC:.2f}",
        )
        for name, available, minimum, _wei, _gas in await _positions(ctx)
        if minimum is not None and available < minimum
    ]


async def gas_wallet_low(ctx: CheckContext) -> list[Breach]:
    return [
        Breach(
            name,
            f"key {name} holds {wei / 1e18:.6f} ether, below its gas minimum of {gas / 1e18:.6f}",
            str(wei),
        )
        for name, _available, _minimum, wei, gas in await _positions(ctx)
        if gas is not None and wei < gas
    ]


def _hsm_answers(ctx: CheckContext) -> None:
    # The keyring's token: the one every process needs (the alerts worker may not reach the
    # signing one; its hosts' readiness checks cover that).
    Hsm.connect(ctx.settings.data_key_hsm).kek_labels()


async def hsm_unreachable(ctx: CheckContext) -> list[Breach]:
    try:
        await asyncio.to_thread(_hsm_answers, ctx)
    except HsmUnavailable as exc:
        token = ctx.settings.data_key_hsm.token_label
        return [Breach(token, f"the HSM does not answer: {exc}", "down")]
    return []


async def jetstream_consumer_lag(ctx: CheckContext) -> list[Breach]:
    """Messages each durable consumer of the stream has not yet been given (``num_pending``)."""
    nats = ctx.settings.nats
    if not nats.url:
        return []
    bus = await connect_bus(
        nats.url, stream=nats.stream, replicas=nats.replicas, prefix=nats.subject_prefix
    )
    try:
        consumers = await bus.js.consumers_info(nats.stream)
    finally:
        await bus.close()
    return [
        Breach(
            c.name, f"consumer {c.name} has {c.num_pending} messages waiting", str(c.num_pending)
        )
        for c in consumers
        if c.num_pending and c.num_pending >= ctx.rule.threshold
    ]


def _age(at: datetime, now: datetime) -> float:
    return max(0.0, (now - at).total_seconds())


async def data_key_age(ctx: CheckContext) -> list[Breach]:
    """The active data keys (personal data, blind index) made or re-wrapped longer ago than the
    threshold: time to rotate the KEK (``onramp keys rotate-kek``). Certificates:
    ``certificate_expiry``."""
    rows = await ctx.session.execute(
        select(DataKey.purpose, func.min(func.coalesce(DataKey.rewrapped_at, DataKey.created_at)))
        .where(DataKey.active.is_(True))
        .group_by(DataKey.purpose)
    )
    out = []
    for purpose, since in rows:
        age = _age(since, ctx.now)
        if age > ctx.rule.threshold:
            summary = f"the {purpose} data key was last wrapped {age / 86400:.0f} days ago"
            out.append(Breach(purpose, summary, f"{age:.0f}"))
    return out


async def certificate_expiry(ctx: CheckContext) -> list[Breach]:
    """Each configured certificate (``ONRAMP_METRICS__CERTIFICATES``) that expires within the
    threshold (seconds), has expired, or cannot be read. Grouped by its configured name."""
    out = []
    for found in certificate_expiries(ctx.settings.metrics.certificates):
        left = found.seconds_left(ctx.now)
        if left is None:
            out.append(Breach(found.name, f"certificate {found.name}: {found.error}", "unreadable"))
        elif left < ctx.rule.threshold:
            assert found.not_after is not None
            when = "expired" if left < 0 else "expires"
            summary = (
                f"certificate {found.name} ({found.path}) {when} {found.not_after.isoformat()}"
            )
            out.append(Breach(found.name, summary, f"{left:.0f}"))
    return out
