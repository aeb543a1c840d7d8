"""The alert rules, as data: read from the package's ``rules.yaml`` (or the file
``ONRAMP_ALERTS__RULES_PATH`` names) and checked at start-up, so a bad file stops the worker
with an error naming the rule."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onramp.alerts.errors import AlertRulesInvalid

SHIPPED = Path(__file__).with_name("rules.yaml")


class AlertRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    check: str
    threshold: float = Field(ge=0)
    for_seconds: int = Field(default=0, ge=0)
    window_seconds: int = Field(default=3600, ge=1)
    severity: Literal["critical", "warning", "info"]
    runbook: str = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[AlertRule, ...]

    def rule(self, name: str) -> AlertRule | None:
        return next((r for r in self.rules if r.name == name), None)


def _rule(raw: Any, index: int, checks: Collection[str]) -> AlertRule:
    name = raw.get("name") if isinstance(raw, dict) else None
    label = repr(name) if name else f"#{index + 1}"
    try:
        rule = AlertRule.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise AlertRulesInvalid(f"alert rule {label}: {problems}") from exc
    if rule.check not in checks:
        known = ", ".join(sorted(checks))
        raise AlertRulesInvalid(f"alert rule {label}: unknown check {rule.check!r} ({known})")
    return rule


def parse_rules(text: str, checks: Collection[str]) -> RuleSet:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AlertRulesInvalid(f"the alert rules are not YAML: {exc}") from exc
    raw = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(raw, list):
        raise AlertRulesInvalid("the alert rules file needs a list under `rules:`")
    rules = tuple(_rule(r, i, checks) for i, r in enumerate(raw))
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise AlertRulesInvalid(f"alert rule {rule.name!r}: named twice")
        seen.add(rule.name)
    return RuleSet(rules)


def load_rules(path: Path | None, checks: Collection[str]) -> RuleSet:
    source = path or SHIPPED
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise AlertRulesInvalid(f"cannot read the alert rules {source}: {exc}") from exc
    return parse_rules(text, checks)
