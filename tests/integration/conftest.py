"""Fixtures of the integration tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def state_dir() -> Iterator[Path]:
    """A fresh state directory *outside* pytest's ``tmp_path``.

    As root, PostgreSQL runs as a dedicated user that must traverse every ancestor of its data
    directory, but each pytest session start resets ``/tmp/pytest-of-root`` to mode 0700: a
    concurrent pytest run would lock the server out of a ``tmp_path`` mid-test.
    """
    path = Path(tempfile.mkdtemp(prefix="onramp-devstack-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
