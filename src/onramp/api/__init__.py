from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.api.app import build_app as build_app

_LAZY = {
    "build_app": ("onramp.api.app", "build_app"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "build_app",
]
