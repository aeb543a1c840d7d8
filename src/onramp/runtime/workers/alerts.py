"""The alerts' worker: evaluates the rules and delivers their changes (``alerts/worker.py``)."""

from __future__ import annotations

from onramp.alerts import configured_rules, run_alerts
from onramp.core.clock import SystemClock
from onramp.core.settings import Settings
from onramp.runtime.workers.registry import Resources, Worker


def _check(settings: Settings) -> None:
    configured_rules(settings)  # a bad rules file stops start-up, naming the rule


async def _evaluate(resources: Resources) -> None:
    settings = resources.settings
    await run_alerts(
        resources.sessions,
        configured_rules(settings),
        settings,
        clock=SystemClock(),
        stop=resources.stop,
    )


alerts = Worker("alerts", _evaluate, check=_check)
