"""The alerts' errors, with stable codes (docs/api.md); no HTTP here."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound


class AlertRulesInvalid(ValueError):
    """The rules file is unusable: a configuration error at start-up, naming the rule."""


class AlertNotFound(NotFound):
    code = "alert_not_found"
    title = "No such alert"


class AlertNotOpen(Conflict):
    code = "alert_not_open"
    title = "The alert is resolved: only an open alert is acknowledged or resolved"


class SilenceInvalid(InvalidInput):
    code = "alert_silence_invalid"
    title = "A silence names a known rule and ends in the future"
