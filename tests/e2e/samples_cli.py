"""``onramp samples load`` against the session's stack (test_samples_load.py checks it; the
monitoring example signs in as a sample staff member it creates)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack


def load_samples(stack: Stack) -> subprocess.CompletedProcess[str]:
    described = stack_file(stack.state_dir)
    if not described.exists():  # written once the stack first answered; the same content
        described.write_text(json.dumps(stack.describe()))
    return subprocess.run(
        [sys.executable, "-m", "onramp", "samples", "load"],
        env=os.environ | stack.env(), capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
