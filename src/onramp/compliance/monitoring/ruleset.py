"""A rule set: the operator's configuration (JSON), validated on load; ``evaluate`` runs every
enabled rule and returns the hits, in rule order."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onramp.compliance.monitoring.activity import Activity, CustomerProfile
from onramp.compliance.monitoring.rules import Evaluation, Rule, RuleHit
from onramp.core.errors import InvalidInput


class RuleSetInvalid(InvalidInput):
    code = "monitoring_rules_invalid"
    title = "The monitoring rule set is not valid"


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, description="Shown with every alert: which rules fired")
    rules: tuple[Rule, ...]

    @classmethod
    def from_file(cls, path: Path) -> RuleSet:
        try:
            return cls.model_validate(json.loads(path.read_text()))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise RuleSetInvalid(f"{path}: {problems}") from None
        except (OSError, ValueError) as exc:
            raise RuleSetInvalid(f"{path}: {exc}") from None

    @property
    def lookback(self) -> timedelta:
        """The history the enabled rules need: the longest window among them."""
        hours = max((r.lookback_hours for r in self.rules if r.enabled), default=0)
        return timedelta(hours=hours)

    def evaluate(
        self, current: Activity, history: list[Activity], profile: CustomerProfile
    ) -> list[RuleHit]:
        evaluation = Evaluation(current, history, profile)
        hits = (rule.check(evaluation) for rule in self.rules if rule.enabled)
        return [hit for hit in hits if hit is not None]
