"""The fault simulator: runs of orders through a live stack while every money-path worker
dies with SIGKILL at random crash points, again and again (the stack's supervisor starts it
again, armed with its next points) and the bank sandbox sends its webhooks twice, late and out
of order; the money checker after each run. A run is drawn from (seed, run) alone (plan.py), so
a failure is replayed with ``make faults SEED=<seed> RUNS=<run + 1>``."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from onramp.core.clock import utcnow
from onramp.core.faults import BREAK_ENV, CRASH_ENV
from onramp.devstack.process import ManagedProcess
from onramp.devstack.stack import Stack
from onramp.runtime.checks import InvariantResult, Scope, chain_watch, check_stack, read_chain_view
from tests.e2e.conftest import Customer, pay, register
from tests.faults.plan import POINTS, Arming, RunPlan, VendorFault, plan_run

# Where an order's run ends: final, or waiting on a person (the checker judges the rest).
SETTLED = {"completed", "refunded", "expired", "failed", "manual_review", "rejected"}
SIGKILLED = -9
STOP_SECONDS = 3.0


@dataclass
class RunResult:
    plan: RunPlan
    crashed: list[str] = field(default_factory=list)  # "worker: spec" of each SIGKILL
    unsettled: list[str] = field(default_factory=list)  # "order state" left moving
    broken: list[InvariantResult] = field(default_factory=list)

    def line(self) -> str:
        verdict = "ok" if not self.broken else "VIOLATED " + ", ".join(r.name for r in self.broken)
        vendors = "; ".join(f.summary() for f in self.plan.vendor_faults) or "none"
        return (
            f"seed {self.plan.seed} run {self.plan.run}: {len(self.crashed)} crashes "
            f"[{'; '.join(self.crashed)}], vendor faults [{vendors}], "
            f"{len(self.plan.amounts)} orders, {len(self.unsettled)} unsettled: {verdict}"
        )


@dataclass
class Summary:
    runs: list[RunResult] = field(default_factory=list)

    @property
    def crash_points(self) -> int:
        return sum(len(r.crashed) for r in self.runs)

    @property
    def violations(self) -> int:
        return sum(len(r.broken) for r in self.runs)

    def line(self) -> str:
        return (
            f"crash points: {self.crash_points}, runs: {len(self.runs)}, "
            f"invariant violations: {self.violations}"
        )


class Simulator:
    """Runs plans against ``stack`` (its API, bank sandbox and supervised worker processes);
    an async context manager (it holds one API client and one bank client)."""

    def __init__(
        self,
        stack: Stack,
        *,
        settle_seconds: float = 120.0,
        grace: timedelta = timedelta(seconds=30),
        say: Callable[[str], None] = print,
    ) -> None:
        assert stack.bank is not None
        self.stack = stack
        self.settle_seconds = settle_seconds
        self.grace = grace
        self.say = say
        self.since = utcnow()
        self.from_block = 0
        self.api = httpx.AsyncClient(base_url=stack.api_url, timeout=30.0)
        self.bank = httpx.AsyncClient(base_url=stack.bank.url, timeout=30.0)
        self._customer: Customer | None = None
        self._placed = 0  # by the current customer
        self._arming: RunPlan | None = None  # the run whose workers' restarts run armed

    async def __aenter__(self) -> Simulator:
        watch = chain_watch(self.stack.settings)
        assert watch is not None
        self.from_block = (await read_chain_view(watch, {}, from_block=0)).block + 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.api.aclose()
        await self.bank.aclose()

    async def simulate(self, seed: int, runs: int) -> Summary:
        summary = Summary()
        for run in range(runs):
            summary.runs.append(await self.run(plan_run(seed, run), disarm=run == runs - 1))
        return summary

    async def run(self, plan: RunPlan, *, disarm: bool = True) -> RunResult:
        """One run of ``plan``; ``disarm``: start unarmed again the workers whose points were
        not reached (``simulate`` leaves that to the next run's arming, which replaces them)."""
        started = await self._arm_all(plan)
        result = RunResult(plan)
        customer = await self._customer_for(len(plan.amounts))
        await self._switch(plan.vendor_faults)
        try:
            result.unsettled = await self._settle(await self._place(customer, plan.amounts))
        finally:
            await self._switch(tuple(VendorFault(f.vendor, {}) for f in plan.vendor_faults))
        with self.stack.lock:  # the supervisor restarts under it: none half done meanwhile
            self._arming = None  # from now on a restart runs unarmed
            for arming, processes in zip(plan.armings, started, strict=True):
                result.crashed += [
                    f"{arming.worker}: {spec}" for spec, p in processes if crashed_at_point(p)
                ]
                if disarm and processes[-1][1].alive():
                    self.stack.spawn_worker(arming.worker)  # unarmed (its points not reached)
        scope = Scope(now=utcnow(), grace=self.grace, since=self.since, from_block=self.from_block)
        found = await check_stack(self.stack.settings, scope=scope)
        result.broken = [r for r in found if not r.holds]
        self.say(result.line())
        for r in result.broken:
            self.say(f"  {r.line()}")
        return result

    async def _arm_all(self, plan: RunPlan) -> list[list[tuple[str, ManagedProcess]]]:
        """Each armed worker of ``plan`` started with its specs (``_arm``). The processes they
        replace (the last run's, its orders settled) stop first, together and off the event
        loop, each given ``STOP_SECONDS`` to finish (then SIGKILL, not counted: a crash point is
        a process killing itself); one after the other and 10 s each, they took seconds a run."""
        live = self.stack.processes()
        old = [live[f"worker-{a.worker}"] for a in plan.armings if f"worker-{a.worker}" in live]
        await asyncio.gather(
            *(asyncio.to_thread(process.stop, timeout=STOP_SECONDS) for process in old)
        )
        self._arming = plan
        return [self._arm(plan, arming) for arming in plan.armings]

    def _arm(self, plan: RunPlan, arming: Arming) -> list[tuple[str, ManagedProcess]]:
        """Start ``arming.worker`` with its first spec; the supervisor's restart after it died
        at a crash point runs the next, and so on (unarmed after the last, or once ``plan``'s
        run is over). Each process started and its spec, restarts appended as they happen."""
        started: list[tuple[str, ManagedProcess]] = []

        def start(specs: tuple[str, ...]) -> ManagedProcess:
            env = {CRASH_ENV: specs[0]}
            process = self.stack.spawn_worker(arming.worker, env, supervised=True)
            started.append((specs[0], process))
            unarmed = process.respawn  # the stack's own: its environment, no crash point
            if len(specs) > 1 and unarmed is not None:
                rest = specs[1:]
                process.respawn = lambda: start(rest) if self._arming is plan else unarmed()
            return process

        start(arming.specs)
        return started

    async def _switch(self, faults: tuple[VendorFault, ...]) -> None:
        """Set each vendor sandbox's faults (empty settings: off)."""
        urls = {
            name: sandbox.url
            for name, sandbox in (
                ("bank", self.stack.bank),
                ("kyc", self.stack.kyc),
                ("issuer", self.stack.issuer),
            )
            if sandbox is not None
        }
        for fault in faults:
            answer = await self.bank.put(f"{urls[fault.vendor]}/_faults", json=fault.settings)
            answer.raise_for_status()

    async def _place(self, customer: Customer, amounts: tuple[str, ...]) -> list[str]:
        """Place and pay an order of each amount, one after the other: their ids. (Placed all
        at once they travel the money path as one batch, which passes each crash point once.)"""
        ids = []
        for amount in amounts:
            order = await customer.order(await customer.quote(amount))
            await pay(self.bank, order)
            ids.append(str(order["id"]))
        return ids

    async def _customer_for(self, orders: int) -> Customer:
        """A customer of KYC tier 2, a new one every 40 orders (within its daily limit)."""
        if self._customer is None or self._placed + orders > 40:
            self._customer = await register(self.api, self.stack)
            self._placed = 0
        self._placed += orders
        return self._customer

    async def _settle(self, ids: list[str]) -> list[str]:
        """Until every order settled or ``settle_seconds`` passed: those still moving."""
        deadline = time.monotonic() + self.settle_seconds
        states: dict[str, str] = {}
        while True:
            for order_id in ids:
                if states.get(order_id) not in SETTLED:
                    answer = await self.api.get(f"/v1/orders/{order_id}")
                    if answer.status_code == 200:
                        states[order_id] = answer.json()["state"]
            moving = [f"{i} {states.get(i, '?')}" for i in ids if states.get(i) not in SETTLED]
            if not moving or time.monotonic() > deadline:
                return moving
            await asyncio.sleep(0.5)  # each poll is an API request per order: CPU the workers lack


def crashed_at_point(process: ManagedProcess) -> bool:
    """Killed by a crash point's SIGKILL (not by the stack stopping it, whose last resort is a
    SIGKILL too)."""
    return process.popen.poll() == SIGKILLED and not process.stopped


def break_build(stack: Stack, hook: str | None) -> None:
    """Run the money-path workers with the test-only broken build ``hook`` (None: mended)."""
    if hook is None:
        os.environ.pop(BREAK_ENV, None)
    else:
        os.environ[BREAK_ENV] = hook  # the stack's processes inherit it, restarts included
    for worker in POINTS:
        stack.spawn_worker(worker)
