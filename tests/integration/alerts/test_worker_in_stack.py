"""``onramp worker alerts`` runs in the stack as ``onramp dev`` starts it: the shipped rules
load (a bad file would stop it at start-up) and it keeps running, round after round."""

from __future__ import annotations

import json
import time

import pytest

from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack

pytestmark = pytest.mark.integration


def test_the_stack_runs_the_alerts_worker(stack: Stack) -> None:
    worker = stack.apps["worker-alerts"]
    time.sleep(5)  # its first round runs at once
    assert worker.alive()
    described = json.loads(stack_file(stack.state_dir).read_text())
    assert described["pids"]["worker-alerts"] == worker.pid
    assert described["supervisor"]["worker-alerts"]["restarts"] == 0
    assert worker.log_path is not None
    assert "Traceback" not in worker.log_path.read_text(errors="replace")
