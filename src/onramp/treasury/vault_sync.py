"""The breaker and the vault agree: each round the risk worker reads the vault's ``paused()`` as
the truth, and the breaker's own switches by their stored transactions.

- The breaker's pause is the one the chain mined for its stored ``pause()`` (or a fee-bumped
  copy at the same nonce) and that no stored ``unpause()`` of the breaker undid since: known
  as such however late it was mined and whether or not the worker lived to record it.
- Any other pause (the admin Safe's) is recorded as ``vault_paused_elsewhere``: never claimed,
  never undone by the guardian (who may not be allowed to), and never closed over.
- While one of the breaker's switches is not mined, it is sent again or replaced with higher
  fees, and nothing else is decided: a pause mined after a close would stop the vault under a
  closed breaker.
- ``open``: paused. ``resuming``: the breaker's own pause is undone; a pause by someone else
  waits for them; the breaker closes only once ``paused()`` is false. ``closed`` with the
  breaker's own pause in force (it should not happen): open again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import ExecutionReverted, Switch, TxOutcome, VaultPauser
from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.faults import crash_point
from onramp.core.logging import get_logger
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_models import BreakerState

log = get_logger(__name__)


@dataclass(frozen=True)
class _Seen:
    """The breaker's row at the start of a round."""

    state: str
    pause_tx_id: uuid.UUID | None
    unpause_tx_id: uuid.UUID | None
    vault_paused: bool
    elsewhere: bool


@dataclass(frozen=True)
class _Chain:
    """What the chain says this round."""

    paused: bool
    ours: bool  # the pause in force is the breaker's own
    pending: bool  # one of the breaker's switches is not mined yet
    pause: TxOutcome | None
    unpause: TxOutcome | None


class VaultSync:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], vault: VaultPauser, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._vault = vault
        self._clock = clock

    async def round(self) -> None:
        """Read and decide; once more right after sending a switch (a node that mines at once
        settles it in the same round)."""
        if await self._pass():
            await self._pass()

    async def _pass(self) -> bool:
        """One reading of the chain and what follows from it; True if a switch was sent."""
        async with unit_of_work(self._sessions) as session:
            row = await circuit_breaker.current_state(session)
            seen = _Seen(
                row.state,
                row.pause_tx_id,
                row.unpause_tx_id,
                row.vault_paused,
                row.vault_paused_elsewhere,
            )
        chain = await self._read_chain(seen)
        await self._record(seen, chain)
        if chain.pending:
            return False
        if seen.state == BreakerState.OPEN.value and not chain.paused:
            return await self._switch(seen, "pause")
        if seen.state == BreakerState.RESUMING.value:
            if not chain.paused:
                await self._close(chain)
            elif chain.ours:
                return await self._switch(seen, "unpause")
            # else: paused by someone else; the breaker waits for them to unpause
        elif seen.state == BreakerState.CLOSED.value and chain.paused and chain.ours:
            await self._reopen(chain)
        return False

    async def _read_chain(self, seen: _Seen) -> _Chain:
        """The switches first, then ``paused()``: a pause mined in between shows as paused
        with the breaker's pause still pending, and decides nothing this round."""
        pause = await self._advance(seen.pause_tx_id)
        unpause = await self._advance(seen.unpause_tx_id)
        paused = await self._vault.paused()
        undone = unpause is not None and unpause.succeeded
        # A pause recorded before switches were stored (no pause_tx_id) was recorded only once
        # its receipt said it succeeded: still the breaker's.
        recorded_before = seen.vault_paused and seen.pause_tx_id is None
        mined = pause is not None and pause.succeeded and not undone
        return _Chain(
            paused=paused,
            ours=paused and (mined or recorded_before),
            pending=any(o is not None and o.pending for o in (pause, unpause)),
            pause=pause,
            unpause=unpause,
        )

    async def _advance(self, tx_id: uuid.UUID | None) -> TxOutcome | None:
        return None if tx_id is None else await self._vault.advance(self._sessions, tx_id)

    async def _record(self, seen: _Seen, chain: _Chain) -> None:
        """Bring the row's two facts (the breaker's pause in force; a pause by someone else)
        in line with the chain, audited when they change."""
        now = self._clock.now()
        # While a switch of ours is pending, a pause may be ours a moment later: leave it.
        elsewhere = seen.elsewhere if chain.pending else chain.paused and not chain.ours
        if chain.ours == seen.vault_paused and elsewhere == seen.elsewhere:
            return
        async with unit_of_work(self._sessions) as session:
            if chain.ours and not seen.vault_paused:
                await circuit_breaker.mark_vault_paused(
                    session, tx_hash=_hash(chain.pause), now=now
                )
            elif seen.vault_paused and not chain.ours:
                await circuit_breaker.mark_vault_unpaused(session, now=now)
            if elsewhere != seen.elsewhere:
                await circuit_breaker.mark_paused_elsewhere(session, paused=elsewhere, now=now)

    async def _switch(self, seen: _Seen, call: Switch) -> bool:
        """Sign and store the switch with the breaker's pointer to it in one commit, then send."""
        try:
            prepared = await self._vault.prepare(call)
        except ExecutionReverted as exc:
            # The vault refuses it now: already switched (someone was quicker), or a pause
            # the guardian may not undo (the admin's): never the breaker's to force.
            log.error("risk.vault_switch_refused", call=call, error=str(exc)[:300])
            if call == "unpause" and not seen.elsewhere:
                async with unit_of_work(self._sessions) as session:
                    await circuit_breaker.mark_paused_elsewhere(
                        session, paused=True, now=self._clock.now()
                    )
            return False
        async with unit_of_work(self._sessions) as session:
            row = await circuit_breaker.current_state(session, lock=True)
            if (row.state, row.pause_tx_id, row.unpause_tx_id) != (
                seen.state,
                seen.pause_tx_id,
                seen.unpause_tx_id,
            ):
                return False  # changed since the round began: decided again next round
            tx = await self._vault.store(self._sessions, session, prepared)
            await circuit_breaker.record_switch(
                session,
                call=call,
                tx_id=tx.id,
                tx_hash="0x" + tx.tx_hash.hex(),
                now=self._clock.now(),
            )
        await self._vault.advance(self._sessions, tx.id)  # sends it
        crash_point(f"risk.after_{call}_sent")
        return True

    async def _close(self, chain: _Chain) -> None:
        unpaused_by = chain.unpause.attempt if chain.unpause and chain.unpause.succeeded else None
        async with unit_of_work(self._sessions) as session:
            await circuit_breaker.close(
                session,
                now=self._clock.now(),
                vault_tx="0x" + unpaused_by.tx_hash.hex() if unpaused_by else None,
            )

    async def _reopen(self, chain: _Chain) -> None:
        tx_hash = _hash(chain.pause)
        now = self._clock.now()
        async with unit_of_work(self._sessions) as session:
            await circuit_breaker.trip(
                session,
                "the vault is paused by the breaker's own pause transaction",
                {"pause_tx": tx_hash},
                trigger="vault_paused",
                now=now,
            )
            await circuit_breaker.mark_vault_paused(session, tx_hash=tx_hash, now=now)


def _hash(outcome: TxOutcome | None) -> str:
    return "0x" + outcome.attempt.tx_hash.hex() if outcome is not None else "-"
