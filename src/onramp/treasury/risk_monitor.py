"""The risk worker's round (``onramp worker risk``): evaluate the breaker's triggers, then make
the vault and the breaker agree (``vault_sync``: open, paused on-chain by the guardian key;
resuming, the breaker's own pause undone, then closed once the vault is unpaused).

Triggers, each looking only at what happened since the breaker last closed:
- payout failure spike: ``failure_spike_count`` ``payout_failed`` events within the window;
- peg deviation: an ``fx.usdc_peg_deviation`` alarm;
- reconciliation break: the ledger's ``chain:vault:USDC`` and the vault's on-chain balance
  differ by more than the threshold beyond the payouts in flight, in two rounds running (one
  round can catch a payout mined but not yet booked). Reconciliation itself calls
  ``circuit_breaker.trip`` on its own breaks.

The events are read from the outbox (core's table, every domain's announcements), so the worker
reads no other domain's tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import ledger
from onramp.chain import (
    PAYOUT_FAILED,
    ChainClient,
    ChainRpcError,
    FeePolicy,
    NodeUnavailable,
    Pkcs11Signer,
    VaultPauser,
    in_flight_total,
    unbooked_total,
)
from onramp.core import metrics
from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7_floor
from onramp.core.keys import Hsm
from onramp.core.logging import get_logger
from onramp.core.outbox import OutboxMessage
from onramp.core.settings import Settings, TreasuryRiskSettings
from onramp.fx import USDC_PEG_DEVIATION
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_limits import usdc_text, usdc_units
from onramp.treasury.risk_models import BreakerState
from onramp.treasury.vault_sync import VaultSync

log = get_logger(__name__)

VAULT_ACCOUNT = ledger.chain_account("vault")
EVIDENCE_EVENTS = 20


@dataclass(frozen=True)
class TripPolicy:
    failure_spike_count: int
    failure_window: timedelta
    reconciliation_break: int  # USDC base units
    peg_deviation_trips: bool

    @classmethod
    def from_settings(cls, s: TreasuryRiskSettings) -> TripPolicy:
        return cls(
            failure_spike_count=s.failure_spike_count,
            failure_window=timedelta(seconds=s.failure_window_seconds),
            reconciliation_break=usdc_units(s.reconciliation_break_usdc),
            peg_deviation_trips=s.peg_deviation_trips,
        )


@dataclass(frozen=True)
class Anomaly:
    trigger: str
    reason: str
    evidence: dict[str, Any]


async def events_since(
    session: AsyncSession, subject: str, since: datetime
) -> tuple[int, list[dict[str, Any]]]:
    """How many ``subject`` events were made after ``since``, and the data of the latest."""
    where = (OutboxMessage.id >= uuid7_floor(since), OutboxMessage.subject == subject)
    count = await session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))
    latest = await session.scalars(
        select(OutboxMessage.payload)
        .where(*where)
        .order_by(OutboxMessage.id.desc())
        .limit(EVIDENCE_EVENTS)
    )
    return int(count or 0), [dict(orjson.loads(p).get("data", {})) for p in latest]


async def failure_spike(
    session: AsyncSession, policy: TripPolicy, *, since: datetime
) -> Anomaly | None:
    count, latest = await events_since(session, PAYOUT_FAILED, since)
    if count < policy.failure_spike_count:
        return None
    return Anomaly(
        "failure_spike",
        f"{count} payouts failed since {since.isoformat()} (threshold "
        f"{policy.failure_spike_count})",
        {"failed": count, "since": since.isoformat(), "latest": latest},
    )


async def peg_deviation(session: AsyncSession, *, since: datetime) -> Anomaly | None:
    count, latest = await events_since(session, USDC_PEG_DEVIATION, since)
    if count == 0:
        return None
    return Anomaly(
        "peg_deviation",
        f"USDC peg deviation alarm ({count} since {since.isoformat()})",
        {"alarms": count, "latest": latest},
    )


def vault_break(
    policy: TripPolicy, *, booked: int, on_chain: int, in_flight: int
) -> Anomaly | None:
    """Books minus chain may be up to the payouts in flight (mined before they are booked);
    beyond that by more than the threshold, or the chain holding more than the books by more
    than it, is a break."""
    gap = booked - on_chain
    excess = gap - in_flight if gap > 0 else -gap
    if excess <= policy.reconciliation_break:
        return None
    return Anomaly(
        "reconciliation_break",
        f"vault: ledger {usdc_text(booked)} USDC, chain {usdc_text(on_chain)} USDC "
        f"({usdc_text(in_flight)} in flight), beyond the {usdc_text(policy.reconciliation_break)} "
        "USDC threshold",
        {
            "ledger_usdc": usdc_text(booked),
            "chain_usdc": usdc_text(on_chain),
            "in_flight_usdc": usdc_text(in_flight),
            "threshold_usdc": usdc_text(policy.reconciliation_break),
        },
    )


class RiskMonitor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        policy: TripPolicy,
        clock: Clock,
        vault: VaultPauser | None,
    ) -> None:
        self._sessions = sessions
        self._policy = policy
        self._clock = clock
        self._vault = vault
        self._sync = VaultSync(sessions, vault, clock) if vault is not None else None
        self._suspect_break = False  # the previous round saw a vault break

    async def check_triggers(self) -> Anomaly | None:
        """Trip the breaker on the first anomaly found (returned); None when all is well or the
        breaker is already tripped."""
        now = self._clock.now()
        on_chain = await self._balance()
        async with unit_of_work(self._sessions) as session:
            row = await circuit_breaker.current_state(session)
            metrics.breaker_state(closed=row.state == BreakerState.CLOSED.value)
            if row.state != BreakerState.CLOSED.value:
                return None
            window_start = now - self._policy.failure_window
            since = max(window_start, row.closed_at or window_start)
            anomalies: list[Anomaly | None] = [
                await failure_spike(session, self._policy, since=since)
            ]
            if self._policy.peg_deviation_trips:
                anomalies.append(await peg_deviation(session, since=row.closed_at or since))
            if on_chain is not None:
                anomalies.append(await self._vault_break(session, on_chain))
            found = _first(anomalies)
            if found is not None:
                await circuit_breaker.trip(
                    session, found.reason, found.evidence, trigger=found.trigger, now=now
                )
            return found

    async def _balance(self) -> int | None:
        """The vault's on-chain USDC; None without a switch or a node (the other triggers
        still run: a node outage may be what makes payouts fail)."""
        if self._vault is None:
            return None
        try:
            return await self._vault.vault_balance()
        except (NodeUnavailable, ChainRpcError) as exc:
            log.warning("risk.vault_balance_unavailable", error=str(exc))
            return None

    async def _vault_break(self, session: AsyncSession, on_chain: int) -> Anomaly | None:
        booked = (await ledger.balance_of(session, VAULT_ACCOUNT)).minor
        # On its way to the books too: confirmed on-chain, its entry not yet posted (the orders
        # worker posts it when the confirmation event reaches it, seconds later under load).
        unbooked = await unbooked_total(session, now=self._clock.now())
        seen = vault_break(
            self._policy,
            booked=booked,
            on_chain=on_chain,
            in_flight=await in_flight_total(session) + unbooked,
        )
        confirmed, self._suspect_break = self._suspect_break and seen is not None, seen is not None
        return seen if confirmed else None

    async def sync_vault(self) -> None:
        """Make the vault and the breaker agree (``vault_sync``). Without a guardian key only
        the breaker moves: a resuming breaker closes at once (payouts were stopped off-chain)."""
        if self._sync is not None:
            await self._sync.round()
            return
        async with unit_of_work(self._sessions) as session:
            if (await circuit_breaker.current_state(session)).state == BreakerState.RESUMING:
                await circuit_breaker.close(session, now=self._clock.now(), vault_tx=None)

    async def round(self) -> Anomaly | None:
        found = await self.check_triggers()
        await self.sync_vault()
        return found


def _first(anomalies: Sequence[Anomaly | None]) -> Anomaly | None:
    return next((a for a in anomalies if a is not None), None)


async def run_risk_monitor(monitor: RiskMonitor, *, stop: asyncio.Event, interval: float) -> None:
    """Round after round until stopped; a failing round (node down, say) is logged and retried."""
    log.info("risk.started")
    while not stop.is_set():
        try:
            await monitor.round()
        except Exception:
            log.exception("risk.round_failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
    log.info("risk.stopped")


def risk_monitor(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> RiskMonitor:
    """The monitor as configured: with the vault's switch when a guardian key is set (looked up
    in the HSM now, so a missing key stops the worker at start), off-chain only otherwise."""
    risk, chain = settings.treasury_risk, settings.chain
    vault: VaultPauser | None = None
    if risk.guardian_key_id:
        vault = VaultPauser(
            client=ChainClient(chain.rpc_url),
            guardian=Pkcs11Signer(Hsm.connect(settings.hsm), risk.guardian_key_id),
            vault=chain.vault_address,
            usdc=chain.usdc_address,
            chain_id=chain.chain_id,
            fees=FeePolicy(
                bump_percent=chain.fee_bump_percent,
                max_fee_per_gas=chain.max_fee_per_gas_gwei * 10**9,
            ),
            replace_after=timedelta(seconds=risk.guardian_replace_after_seconds),
        )
    else:
        log.warning("risk.no_guardian_key", hint="set ONRAMP_TREASURY_RISK__GUARDIAN_KEY_ID")
    return RiskMonitor(sessions, policy=TripPolicy.from_settings(risk), clock=clock, vault=vault)
