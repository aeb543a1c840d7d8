"""The Solidity tests (contracts/test/*.t.sol: unit, fuzz and invariant) pass under forge."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from chain_helpers import REPO_ROOT

_NPM_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def forge_binary() -> Path:
    """npm's platform binary of forge when present (so a timeout kills forge itself), else the
    node wrapper in node_modules/.bin."""
    arch = _NPM_ARCH.get(platform.machine().lower())
    native = (
        REPO_ROOT
        / "node_modules"
        / "@foundry-rs"
        / f"forge-{sys.platform}-{arch}"
        / "bin"
        / "forge"
    )
    if native.is_file() and os.access(native, os.X_OK):
        return native
    wrapper = REPO_ROOT / "node_modules" / ".bin" / "forge"
    assert wrapper.exists(), "forge is not installed: run `make install` (npm ci)"
    return wrapper


def test_forge_tests_pass() -> None:
    result = subprocess.run(
        [str(forge_binary()), "test", "--offline", "--color", "never"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = re.search(r"(\d+) tests passed, (\d+) failed", output)
    assert summary is not None, output
    passed, failed = int(summary[1]), int(summary[2])
    assert failed == 0, output
    assert passed >= 30, output  # a suite that silently stopped being found fails here
