from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.devstack.cold_safe_sender import ColdSafeSender as ColdSafeSender
    from onramp.devstack.demo import DemoFailed as DemoFailed
    from onramp.devstack.demo import run_demo as run_demo
    from onramp.devstack.dev_state import StateLost as StateLost
    from onramp.devstack.stack import start_stack as start_stack

_LAZY = {
    "ColdSafeSender": ("onramp.devstack.cold_safe_sender", "ColdSafeSender"),
    "DemoFailed": ("onramp.devstack.demo", "DemoFailed"),
    "StateLost": ("onramp.devstack.dev_state", "StateLost"),
    "run_demo": ("onramp.devstack.demo", "run_demo"),
    "start_stack": ("onramp.devstack.stack", "start_stack"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "ColdSafeSender",
    "DemoFailed",
    "StateLost",
    "run_demo",
    "start_stack",
]
