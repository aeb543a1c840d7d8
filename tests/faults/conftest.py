"""The fault simulator's tests run in a session of their own (``make faults-ci``, which sets
``ONRAMP_FAULTS=1``): they kill workers and, last, run a broken build, which no other test
should share a stack with. Anywhere else they are skipped."""

from __future__ import annotations

import os

import pytest

from tests.faults.stack_env import use_simulator_env

RUN = os.environ.get("ONRAMP_FAULTS") == "1"
if RUN:
    use_simulator_env()  # before the session's stack starts: its supervisor reads it


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if RUN:
        return
    skip = pytest.mark.skip(reason="the fault simulator runs in make faults-ci (ONRAMP_FAULTS=1)")
    for item in items:
        if item.path.parent.name == "faults":
            item.add_marker(skip)
