"""Crash points for recovery tests: ``ONRAMP_CRASH_AT=<name>`` kills the process there with
SIGKILL, exactly as a power cut would, so tests can prove that a restart loses nothing."""

from __future__ import annotations

import os
import signal

CRASH_ENV = "ONRAMP_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
