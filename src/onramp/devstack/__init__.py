from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.devstack.cold_safe_sender import ColdSafeSender as ColdSafeSender
    from onramp.devstack.demo import DemoFailed as DemoFailed
    from onramp.devstack.demo import run_demo as run_demo
    from onramp.devstack.dev_state import StateLost as StateLost
    from onramp.devstack.external_services import ServicesUnusable as ServicesUnusable
    from onramp.devstack.postgres_archive import WalArchive as WalArchive
    from onramp.devstack.sample_statements import write_statements as write_statements
    from onramp.devstack.samples import SamplesFailed as SamplesFailed
    from onramp.devstack.samples import load_customers as load_customers
    from onramp.devstack.samples import load_staff as load_staff
    from onramp.devstack.stack import start_stack as start_stack

_LAZY = {
    "ColdSafeSender": ("onramp.devstack.cold_safe_sender", "ColdSafeSender"),
    "DemoFailed": ("onramp.devstack.demo", "DemoFailed"),
    "SamplesFailed": ("onramp.devstack.samples", "SamplesFailed"),
    "ServicesUnusable": ("onramp.devstack.external_services", "ServicesUnusable"),
    "StateLost": ("onramp.devstack.dev_state", "StateLost"),
    "WalArchive": ("onramp.devstack.postgres_archive", "WalArchive"),
    "load_customers": ("onramp.devstack.samples", "load_customers"),
    "load_staff": ("onramp.devstack.samples", "load_staff"),
    "run_demo": ("onramp.devstack.demo", "run_demo"),
    "start_stack": ("onramp.devstack.stack", "start_stack"),
    "write_statements": ("onramp.devstack.sample_statements", "write_statements"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "ColdSafeSender",
    "DemoFailed",
    "SamplesFailed",
    "ServicesUnusable",
    "StateLost",
    "WalArchive",
    "load_customers",
    "load_staff",
    "run_demo",
    "start_stack",
    "write_statements",
]
