"""The fault simulator, bounded for CI: the first run of its default seed keeps every money
invariant while workers die at their crash points and the bank sandbox's webhooks come twice,
late or out of order; and a deliberately broken build (the payout sent before it is stored) is
caught by a run of the default seed that arms the crash point the bug needs. The broken build
runs last: the stack keeps what it broke."""

from __future__ import annotations

import pytest

from onramp.core.faults import SEND_BEFORE_STORE
from onramp.devstack.stack import Stack
from tests.faults.__main__ import DEFAULT_RUNS, DEFAULT_SEED
from tests.faults.plan import RunPlan, plan_run
from tests.faults.simulator import Simulator, break_build

pytestmark = pytest.mark.integration

CI_RUNS = 1


async def test_a_bounded_simulation_keeps_every_invariant(stack: Stack) -> None:
    async with Simulator(stack) as sim:
        summary = await sim.simulate(DEFAULT_SEED, CI_RUNS)
    assert summary.crash_points > 0
    assert all(run.plan.vendor_faults for run in summary.runs)
    assert summary.violations == 0, [r.line() for run in summary.runs for r in run.broken]


def first_run_arming(worker: str, point: str) -> RunPlan:
    """The first run of the default seed that arms ``point`` first of its ``worker``'s."""
    for run in range(DEFAULT_RUNS):
        plan = plan_run(DEFAULT_SEED, run)
        for arming in plan.armings:
            if arming.worker == worker and arming.spec.split(",")[0] == f"{point}@1":
                return plan
    raise AssertionError(f"no run of seed {DEFAULT_SEED} arms {point}")


async def test_the_simulator_catches_a_build_that_sends_payouts_before_storing_them(
    stack: Stack,
) -> None:
    plan = first_run_arming("payouts", "payout.after_send")
    break_build(stack, SEND_BEFORE_STORE)
    try:
        async with Simulator(stack, settle_seconds=60.0) as sim:
            result = await sim.run(plan)
    finally:
        break_build(stack, None)
    assert any(c.startswith("payouts: payout.after_send@1") for c in result.crashed)
    # Paid on chain, forgotten by the books: the restarted worker finds the order paid
    # already (the vault refuses it again) and holds it for a person.
    assert "one_payout_per_order" in {r.name for r in result.broken}, result.line()
