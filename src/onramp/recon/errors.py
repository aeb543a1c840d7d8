"""Reconciliation's errors, with stable codes (docs/api.md); no HTTP here."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound


class BreakNotFound(NotFound):
    code = "recon_break_not_found"
    title = "No such reconciliation break"


class BreakNotOpen(Conflict):
    code = "recon_break_not_open"
    title = "The break is resolved or cleared: only an open break is worked"


class BreakResolutionPending(Conflict):
    code = "recon_break_resolution_pending"
    title = "A resolution of this break with an adjusting entry waits for a second person"


class AssigneeNotAllowed(InvalidInput):
    code = "recon_assignee_not_allowed"
    title = "Breaks are assigned to staff who may resolve them"


class AdjustmentInvalid(InvalidInput):
    code = "recon_adjustment_invalid"
    title = "The adjusting entry is not one the books can take"
