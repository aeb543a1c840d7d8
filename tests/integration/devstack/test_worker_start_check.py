"""The stack never runs on silently without one of its workers."""

from __future__ import annotations

import pytest

from onramp.devstack.stack import Stack, check_workers_started

pytestmark = pytest.mark.integration


def test_a_worker_that_exited_at_start_is_started_again(stack: Stack) -> None:
    died = stack.apps["worker-order_expiry"]
    died.kill()

    check_workers_started(stack)

    again = stack.apps["worker-order_expiry"]
    assert again is not died
    assert again.alive()
    assert all(p.alive() for name, p in stack.apps.items() if name.startswith("worker-"))
