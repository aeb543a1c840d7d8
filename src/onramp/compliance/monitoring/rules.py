"""Transaction-monitoring rules as data: each rule is a typed configuration (loaded from JSON,
see ``ruleset.py``) and a pure check over the current activity, the customer's recent history
and profile. A hit carries the rule, its severity, a reason a person can read and the evidence
(the activities and figures that made it fire)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.compliance.monitoring.activity import Activity, ActivityKind, CustomerProfile
from onramp.core.names import name_match_score


@dataclass(frozen=True)
class Evaluation:
    """What a rule is shown: the activity being decided, what came before, who it is."""

    current: Activity
    history: list[Activity]
    profile: CustomerProfile


@dataclass(frozen=True)
class RuleHit:
    rule: str
    type: str
    severity: str
    reason: str
    evidence: dict[str, Any]
    action: str = "alert"  # "hold": the order waits for a compliance officer


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    severity: Literal["low", "medium", "high"] = "medium"
    enabled: bool = True
    # What a hit does to the order being funded: "hold" stops it for a compliance officer
    # (manual_review); "alert" records it for review and lets the money move.
    action: Literal["hold", "alert"] = "alert"

    @property
    def lookback_hours(self) -> int:
        """How far back the rule looks at the customer's history (0: the activity alone)."""
        return 0

    def _hit(self, reason: str, **evidence: Any) -> RuleHit:
        return RuleHit(
            self.name,
            self.type,  # type: ignore[attr-defined]
            self.severity,
            reason,
            evidence,
            self.action,
        )


def _window(history: list[Activity], current: Activity, hours: int) -> list[Activity]:
    since = current.at - timedelta(hours=hours)
    return [a for a in [*history, current] if since <= a.at <= current.at]


def _ids(activities: list[Activity]) -> list[str]:
    return [str(a.id) for a in activities]


class LargeTransaction(_Rule):
    type: Literal["large_transaction"] = "large_transaction"
    threshold_usd: Decimal = Field(gt=0)

    def check(self, e: Evaluation) -> RuleHit | None:
        current = e.current
        if current.amount_usd < self.threshold_usd:
            return None
        return self._hit(
            f"{current.kind} of USD {current.amount_usd} (≥ {self.threshold_usd})",
            activity=str(current.id),
            amount_usd=str(current.amount_usd),
        )


class Structuring(_Rule):
    """Several deposits just under a reporting threshold within a window."""

    type: Literal["structuring"] = "structuring"
    threshold_usd: Decimal = Field(gt=0)
    band_pct: Decimal = Field(gt=0, lt=100, description="'just under': within this % below")
    min_count: int = Field(ge=2)
    window_hours: int = Field(ge=1)

    @property
    def lookback_hours(self) -> int:
        return self.window_hours

    def check(self, e: Evaluation) -> RuleHit | None:
        current, history = e.current, e.history
        floor = self.threshold_usd * (1 - self.band_pct / 100)
        near = [
            a
            for a in _window(history, current, self.window_hours)
            if a.kind is ActivityKind.DEPOSIT and floor <= a.amount_usd < self.threshold_usd
        ]
        if current not in near or len(near) < self.min_count:
            return None
        total = sum((a.amount_usd for a in near), Decimal(0))
        return self._hit(
            f"{len(near)} deposits between USD {floor} and {self.threshold_usd} within "
            f"{self.window_hours} h (total USD {total})",
            activities=_ids(near),
            total_usd=str(total),
        )


class Velocity(_Rule):
    type: Literal["velocity"] = "velocity"
    kind: ActivityKind
    window_hours: int = Field(ge=1)
    max_count: int | None = Field(default=None, ge=1)
    max_amount_usd: Decimal | None = Field(default=None, gt=0)

    @property
    def lookback_hours(self) -> int:
        return self.window_hours

    def check(self, e: Evaluation) -> RuleHit | None:
        current, history = e.current, e.history
        if current.kind is not self.kind:
            return None
        recent = [a for a in _window(history, current, self.window_hours) if a.kind is self.kind]
        total = sum((a.amount_usd for a in recent), Decimal(0))
        over_count = self.max_count is not None and len(recent) > self.max_count
        over_amount = self.max_amount_usd is not None and total > self.max_amount_usd
        if not (over_count or over_amount):
            return None
        return self._hit(
            f"{len(recent)} {self.kind}s totalling USD {total} within {self.window_hours} h "
            f"(limits: {self.max_count} / {self.max_amount_usd})",
            activities=_ids(recent),
            total_usd=str(total),
        )


class SenderNameMismatch(_Rule):
    """A deposit whose sender is not the customer (third-party funding)."""

    type: Literal["sender_name_mismatch"] = "sender_name_mismatch"
    min_score: float = Field(ge=0, le=100)

    def check(self, e: Evaluation) -> RuleHit | None:
        current, profile = e.current, e.profile
        if current.kind is not ActivityKind.DEPOSIT or not current.sender_name or not profile.name:
            return None
        score = name_match_score(current.sender_name, profile.name)
        if score >= self.min_score:
            return None
        return self._hit(
            f"sender name matches the customer's at {score:.0f} (< {self.min_score:g})",
            activity=str(current.id),
            score=round(score, 1),
        )


class HighRiskJurisdiction(_Rule):
    """The customer or the deposit's sender in a listed jurisdiction (FATF lists as data)."""

    type: Literal["high_risk_jurisdiction"] = "high_risk_jurisdiction"
    countries: frozenset[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes")

    def check(self, e: Evaluation) -> RuleHit | None:
        current, profile = e.current, e.profile
        involved = set(profile.countries) | ({current.sender_country} - {None})
        listed = sorted(c for c in involved if c in self.countries)
        if not listed:
            return None
        return self._hit(
            f"involves {', '.join(listed)}", activity=str(current.id), countries=listed
        )


class NewAccountLargeFirstDeposit(_Rule):
    type: Literal["new_account_large_first_deposit"] = "new_account_large_first_deposit"
    account_age_days: int = Field(ge=0)
    threshold_usd: Decimal = Field(gt=0)

    @property
    def lookback_hours(self) -> int:
        # Older accounts never fire, so earlier deposits matter only within the account's age.
        return self.account_age_days * 24

    def check(self, e: Evaluation) -> RuleHit | None:
        current, history, profile = e.current, e.history, e.profile
        if current.kind is not ActivityKind.DEPOSIT or current.amount_usd < self.threshold_usd:
            return None
        if any(a.kind is ActivityKind.DEPOSIT for a in history):
            return None
        age = current.at - profile.registered_at
        if age > timedelta(days=self.account_age_days):
            return None
        return self._hit(
            f"first deposit, USD {current.amount_usd}, {age.days} days after registration",
            activity=str(current.id),
            account_age_days=age.days,
        )


class RapidNewWallets(_Rule):
    """Orders paying out to many addresses not used before, in a short time."""

    type: Literal["rapid_new_wallets"] = "rapid_new_wallets"
    max_new_wallets: int = Field(ge=1)
    window_hours: int = Field(ge=1)

    @property
    def lookback_hours(self) -> int:
        # Plus, for each address used within the window, its first use ever (see the loader).
        return self.window_hours

    def check(self, e: Evaluation) -> RuleHit | None:
        current, history = e.current, e.history
        if current.kind is not ActivityKind.ORDER or current.destination is None:
            return None
        since = current.at - timedelta(hours=self.window_hours)
        first_use: dict[str, Activity] = {}
        for a in sorted([*history, current], key=lambda a: a.at):
            if a.kind is ActivityKind.ORDER and a.destination:
                first_use.setdefault(a.destination.lower(), a)
        new = [a for a in first_use.values() if since <= a.at <= current.at]
        if len(new) <= self.max_new_wallets:
            return None
        return self._hit(
            f"{len(new)} new payout addresses within {self.window_hours} h "
            f"(more than {self.max_new_wallets})",
            activities=_ids(new),
            addresses=[a.destination for a in new],
        )


Rule = Annotated[
    LargeTransaction
    | Structuring
    | Velocity
    | SenderNameMismatch
    | HighRiskJurisdiction
    | NewAccountLargeFirstDeposit
    | RapidNewWallets,
    Field(discriminator="type"),
]
