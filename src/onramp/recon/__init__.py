"""Reconciliation: the books held against what the bank's files said, line by line, every
day; what does not agree becomes a break to work (docs/reconciliation.md)."""

from onramp.recon.models import BreakSource, BreakState, BreakType, ReconBreak, ReconRun
from onramp.recon.runs import RunResult, break_backlog, break_dict, run_recon

__all__ = [
    "BreakSource",
    "BreakState",
    "BreakType",
    "ReconBreak",
    "ReconRun",
    "RunResult",
    "break_backlog",
    "break_dict",
    "run_recon",
]
