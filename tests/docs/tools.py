"""The tools/ scripts the docs tests exercise, loaded by path (tools/ is not a package), and the
repository's root."""

from __future__ import annotations

from pathlib import Path

from tests.unit.tools.loading import load_tool

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "load_tool"]
