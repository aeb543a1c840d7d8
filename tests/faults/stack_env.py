"""The environment a simulated stack starts with: the test session's (tests/conftest.py), and a
supervisor that never gives up on a worker the simulator kills again and again, and starts it
again at once (a run kills each worker several times: every backoff is time it waits)."""

from __future__ import annotations

import os

SIMULATOR_ENV = {
    "ONRAMP_LOG_LEVEL": "WARNING",
    "ONRAMP_RATE_LIMITS__ENABLED": "false",
    "ONRAMP_TREASURY_RISK__FAILURE_SPIKE_COUNT": "1000",
    "ONRAMP_SUPERVISOR__MAX_DEATHS": "1000",
    "ONRAMP_SUPERVISOR__WINDOW_SECONDS": "10",
    "ONRAMP_SUPERVISOR__BACKOFF_INITIAL_SECONDS": "0.1",
    "ONRAMP_SUPERVISOR__BACKOFF_MAX_SECONDS": "0.2",
    # A consumer killed before its ack gets the batch back after this, not the default 30 s.
    "ONRAMP_NATS__ACK_WAIT_SECONDS": "10",
}


def use_simulator_env() -> None:
    for name, value in SIMULATOR_ENV.items():
        os.environ.setdefault(name, value)
