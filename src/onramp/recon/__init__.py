"""Reconciliation: the books held against what the bank's files said, line by line, every
day; what does not agree becomes a break to work (docs/reconciliation.md)."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
from onramp.recon.alarms import BreakAlarm, major_units
from onramp.recon.models import BreakSource, BreakState, BreakType, ReconBreak, ReconRun
from onramp.recon.runs import (
    OpenAmount,
    RunResult,
    break_backlog,
    break_dict,
    open_break_amounts,
    run_recon,
)

if TYPE_CHECKING:
    from onramp.recon.adjustments import Adjustment as Adjustment
    from onramp.recon.adjustments import (
        register_adjustment_approval as register_adjustment_approval,
    )
    from onramp.recon.adjustments import (
        request_adjusting_resolution as request_adjusting_resolution,
    )
    from onramp.recon.api import router as recon_router
    from onramp.recon.chain_reader import ReadSummary as ReadSummary
    from onramp.recon.chain_reader import Watch as Watch
    from onramp.recon.chain_reader import read_chain as read_chain
    from onramp.recon.chain_reader import read_treasury_chain as read_treasury_chain
    from onramp.recon.daily import run_yesterday_once as run_yesterday_once
    from onramp.recon.queue import BreakFilter as BreakFilter
    from onramp.recon.queue import assign_break as assign_break
    from onramp.recon.queue import comment_on_break as comment_on_break
    from onramp.recon.queue import comments_of as comments_of
    from onramp.recon.queue import get_break as get_break
    from onramp.recon.queue import list_breaks as list_breaks
    from onramp.recon.queue import list_runs as list_runs
    from onramp.recon.queue import resolve_break as resolve_break

_LAZY = {
    "Adjustment": ("onramp.recon.adjustments", "Adjustment"),
    "request_adjusting_resolution": ("onramp.recon.adjustments", "request_adjusting_resolution"),
    "BreakFilter": ("onramp.recon.queue", "BreakFilter"),
    "assign_break": ("onramp.recon.queue", "assign_break"),
    "comment_on_break": ("onramp.recon.queue", "comment_on_break"),
    "comments_of": ("onramp.recon.queue", "comments_of"),
    "get_break": ("onramp.recon.queue", "get_break"),
    "list_breaks": ("onramp.recon.queue", "list_breaks"),
    "list_runs": ("onramp.recon.queue", "list_runs"),
    "resolve_break": ("onramp.recon.queue", "resolve_break"),
    "ReadSummary": ("onramp.recon.chain_reader", "ReadSummary"),
    "Watch": ("onramp.recon.chain_reader", "Watch"),
    "read_chain": ("onramp.recon.chain_reader", "read_chain"),
    "read_treasury_chain": ("onramp.recon.chain_reader", "read_treasury_chain"),
    "recon_router": ("onramp.recon.api", "router"),
    "register_adjustment_approval": ("onramp.recon.adjustments", "register_adjustment_approval"),
    "run_yesterday_once": ("onramp.recon.daily", "run_yesterday_once"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Adjustment",
    "BreakAlarm",
    "BreakFilter",
    "BreakSource",
    "BreakState",
    "BreakType",
    "ReconBreak",
    "ReadSummary",
    "ReconRun",
    "RunResult",
    "Watch",
    "break_backlog",
    "open_break_amounts",
    "major_units",
    "OpenAmount",
    "assign_break",
    "break_dict",
    "comment_on_break",
    "comments_of",
    "get_break",
    "list_breaks",
    "list_runs",
    "read_chain",
    "read_treasury_chain",
    "recon_router",
    "register_adjustment_approval",
    "request_adjusting_resolution",
    "resolve_break",
    "run_recon",
    "run_yesterday_once",
]
