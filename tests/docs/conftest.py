"""The docs site, built once for the docs tests (test_site.py, test_diagrams.py) as `make docs`
builds it: ``mkdocs build --strict``, here into a temporary folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.docs.tools import ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(  # noqa: S603 - the project's own build
        [str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out
