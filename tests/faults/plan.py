"""What one run of the fault simulator does, drawn from its seed alone (no stack, no clock):
which crash points at which hit each money-path worker process is armed with, and its restarts
after each (one SIGKILL at a crash point is a crash point; a run kills a worker several times),
which faults the vendor sandboxes inject meanwhile, and the orders the run places. The same
seed gives the same plan, so ``make faults SEED=…`` replays a failure."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# Each money-path worker (one process each) and the crash points it passes through
# (src/onramp/core/faults.py names them).
CONSUMER = ("consumer.before_commit", "consumer.before_ack")
POINTS: dict[str, tuple[str, ...]] = {
    "relay": ("relay.after_publish", "relay.after_commit"),
    "deposits": CONSUMER,
    "orders": CONSUMER,
    "payouts": (
        "payout.after_nonce",
        "payout.before_store",
        "payout.after_sign",
        "payout.after_send",
        "payout.after_mark",
    ),
    "confirmations": ("confirm.before_commit", "confirm.after_commit"),
}


# Each worker's armings in a run: its process starts with the first, the supervisor's restart
# after a crash point with the next, and so on; the restart after the last runs unarmed.
ARMINGS_PER_WORKER = (2, 4)  # at least, at most
ORDERS = 8  # a run's: enough that the later hits of a re-armed worker are reached


@dataclass(frozen=True)
class Arming:
    worker: str
    spec: str  # the process's ONRAMP_CRASH_AT: "point@hit,…"
    then: tuple[str, ...] = ()  # its restarts', one each in turn (then unarmed)

    @property
    def specs(self) -> tuple[str, ...]:
        return (self.spec, *self.then)


# The vendor faults a run switches on (sandbox_kit/faults.py, docs/fault-simulation.md): the
# bank sandbox's webhooks twice, late and out of order, and its payments API (refunds of what
# does not fit an order) answering 5xx. The runs' orders touch no other vendor.
WEBHOOK_RATES = (0.0, 0.25, 0.5)
PAYMENTS_PATHS = ["/payments", "/pain001"]


@dataclass(frozen=True)
class VendorFault:
    vendor: str  # "bank", "kyc" or "issuer": whose /_faults
    settings: dict[str, Any] = field(hash=False)  # the body of PUT /_faults

    def summary(self) -> str:
        rates = [
            f"{name.removesuffix('_rate')} {value}"
            for name, value in self.settings.items()
            if name.endswith("_rate") and value
        ]
        return f"{self.vendor} {', '.join(rates) or 'none'}"


@dataclass(frozen=True)
class RunPlan:
    seed: int
    run: int
    armings: tuple[Arming, ...]
    amounts: tuple[str, ...]  # EUR, one order each
    vendor_faults: tuple[VendorFault, ...] = ()


def plan_vendor_faults(seed: int, run: int) -> tuple[VendorFault, ...]:
    """The bank's faults for the run, from a draw of their own (the crash points and orders of
    a seed stay what they were)."""
    rng = random.Random(f"{seed}:{run}:vendors")
    duplicate, delay, reorder = (rng.choice(WEBHOOK_RATES) for _ in range(3))
    if not (duplicate or delay or reorder):
        duplicate = WEBHOOK_RATES[-1]  # every run has some
    settings = {
        "seed": rng.randrange(2**31),
        "duplicate_rate": duplicate,
        "delay_rate": delay,
        "delay_seconds": 3.0,
        "reorder_rate": reorder,
        "reorder_seconds": 5.0,
        "error_rate": rng.choice((0.0, 0.3)),
        "paths": PAYMENTS_PATHS,
    }
    return (VendorFault("bank", settings),)


def plan_spec(rng: random.Random, worker: str) -> str:
    """One or two of ``worker``'s crash points, each at its first, second or third hit."""
    points = rng.sample(POINTS[worker], rng.randint(1, min(2, len(POINTS[worker]))))
    return ",".join(f"{p}@{rng.randint(1, 3)}" for p in points)


def plan_run(seed: int, run: int, *, orders: int = ORDERS) -> RunPlan:
    """Every money-path worker armed (a worker spared in a run is a crash point not taken)."""
    rng = random.Random(f"{seed}:{run}")
    armings = []
    for worker in sorted(POINTS):
        specs = [plan_spec(rng, worker) for _ in range(rng.randint(*ARMINGS_PER_WORKER))]
        armings.append(Arming(worker, specs[0], tuple(specs[1:])))
    amounts = tuple(f"{rng.randint(20, 120)}.{rng.randint(0, 99):02d}" for _ in range(orders))
    return RunPlan(seed, run, tuple(armings), amounts, plan_vendor_faults(seed, run))
