"""``make faults SEED=… RUNS=…``: start a stack of its own, simulate, print the verdict.

    python -m tests.faults --seed 1 --runs 220     # >= 1,000 crash points (docs/operations.md)
    python -m tests.faults --seed 7 --runs 12      # replays runs 0..11 of seed 7

Ends with ``crash points: N, runs: R, invariant violations: V``; exits 1 if V > 0."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from tests.faults.stack_env import use_simulator_env

DEFAULT_SEED = 1
DEFAULT_RUNS = 220  # about 5.5 crash points a run: some 1,200, over 1,000 with a margin


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--keep-state", action="store_true", help="keep the stack's directory")
    args = parser.parse_args()
    use_simulator_env()
    # Imported after the environment is set: settings are read from it.
    from onramp.devstack.stack import start_applications, start_infrastructure
    from tests.faults.simulator import Simulator

    state_dir = Path(tempfile.mkdtemp(prefix="onramp-faults-"))
    stack = start_infrastructure(state_dir)
    try:
        start_applications(stack)
        say(f"stack up in {state_dir}; seed {args.seed}, {args.runs} runs")

        async def simulate() -> int:
            async with Simulator(stack, say=say) as sim:
                summary = await sim.simulate(args.seed, args.runs)
            say(summary.line())
            return 1 if summary.violations else 0

        return asyncio.run(simulate())
    finally:
        stack.stop()
        if not args.keep_state:
            shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
