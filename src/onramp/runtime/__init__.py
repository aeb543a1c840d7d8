"""Composition: the CLI, the worker registry, the app factory and the adapters chosen by the
settings. Nothing below imports it."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.runtime.cli import main as main
    from onramp.runtime.workers import GROUPS as GROUPS
    from onramp.runtime.workers import WORKERS as WORKERS

_LAZY = {
    "GROUPS": ("onramp.runtime.workers", "GROUPS"),
    "WORKERS": ("onramp.runtime.workers", "WORKERS"),
    "main": ("onramp.runtime.cli", "main"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "GROUPS",
    "WORKERS",
    "main",
]
