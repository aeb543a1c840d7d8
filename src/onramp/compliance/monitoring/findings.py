"""From rule hits to compliance alerts, and back: what a hit records so it can be replayed.

A funded order is two activities, its deposit (amount, sender) and the order itself (amount,
payout address); both are evaluated and a rule that fires on both is reported once, on the
deposit. Each hit becomes an ``AlertDraft`` whose evidence holds the rule set version, the
reference-rates day, the figures the rule reported, and the inputs it was shown (activities as
ids, times, USD amounts and country codes; the profile as registration time and countries).
Names are never copied: a sender-name score is recorded, the names stay sealed in their rows.
``replay`` evaluates a rule set again on those recorded inputs.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from onramp.compliance.cases import AlertDraft
from onramp.compliance.monitoring.activity import Activity, ActivityKind, CustomerProfile
from onramp.compliance.monitoring.rules import RuleHit
from onramp.compliance.monitoring.ruleset import RuleSet

SOURCE = "monitoring"


def activity_record(a: Activity) -> dict[str, Any]:
    return {
        "id": str(a.id),
        "kind": a.kind.value,
        "at": a.at.isoformat(),
        "amount_usd": str(a.amount_usd),
        "sender_country": a.sender_country,
        "destination": a.destination,
    }


def activity_from_record(r: dict[str, Any]) -> Activity:
    return Activity(
        id=uuid.UUID(r["id"]),
        kind=ActivityKind(r["kind"]),
        at=datetime.fromisoformat(r["at"]),
        amount_usd=Decimal(r["amount_usd"]),
        sender_country=r.get("sender_country"),
        destination=r.get("destination"),
    )


def before(a: Activity, current: Activity) -> bool:
    """What counts as history: earlier by time, then by id (uuid7: creation order), so two
    activities at the same instant see each other one way only, whatever the processing order."""
    return (a.at, a.id.bytes) < (current.at, current.id.bytes)


def evaluate_funded_order(
    rules: RuleSet,
    *,
    deposit: Activity,
    order: Activity,
    activities: list[Activity],
    profile: CustomerProfile,
) -> list[tuple[Activity, RuleHit, list[Activity]]]:
    """The hits on a funded order's deposit and order, each rule once (the deposit's first),
    with the history each was evaluated on."""
    found: dict[str, tuple[Activity, RuleHit, list[Activity]]] = {}
    for current in (deposit, order):
        history = [a for a in activities if a.id != current.id and before(a, current)]
        history.sort(key=lambda a: (a.at, a.id.bytes))
        for hit in rules.evaluate(current, history, profile):
            found.setdefault(hit.rule, (current, hit, history))
    return list(found.values())


def _profile_record(p: CustomerProfile) -> dict[str, Any]:
    return {
        "customer_id": str(p.customer_id),
        "registered_at": p.registered_at.isoformat(),
        "countries": sorted(p.countries),
        "verified_name_known": p.name is not None,
    }


def alert_draft(
    rules: RuleSet,
    *,
    current: Activity,
    hit: RuleHit,
    history: list[Activity],
    profile: CustomerProfile,
    order_id: uuid.UUID | None,
    rates_day: str,
) -> AlertDraft:
    since = current.at - rules.lookback
    shown = [a for a in history if a.at >= since or a.kind is ActivityKind.ORDER]
    hold = hit.action == "hold" and order_id is not None
    return AlertDraft(
        customer_id=profile.customer_id,
        source=SOURCE,
        kind=hit.rule,
        severity=hit.severity,
        reason=hit.reason,
        subject_type=current.kind.value,
        subject_id=str(current.id),
        dedupe_key=f"{SOURCE}:{hit.rule}:{current.kind.value}:{current.id}",
        hold=hold,
        order_id=order_id if hold else None,
        evidence={
            "rule_type": hit.type,
            "rule_action": hit.action,
            "rule_set_version": rules.version,
            "rates_day": rates_day,
            "order_id": None if order_id is None else str(order_id),
            "figures": hit.evidence,
            "inputs": {
                "current": activity_record(current),
                "history": [activity_record(a) for a in shown],
                "profile": _profile_record(profile),
            },
        },
    )


def replay(rules: RuleSet, evidence: dict[str, Any]) -> list[RuleHit]:
    """The rule set evaluated again on an alert's recorded inputs. Rules that need a name (the
    sender-name check) cannot fire here: names are not recorded, their score is."""
    inputs = evidence["inputs"]
    p = inputs["profile"]
    profile = CustomerProfile(
        customer_id=uuid.UUID(p["customer_id"]),
        registered_at=datetime.fromisoformat(p["registered_at"]),
        countries=frozenset(p["countries"]),
    )
    current = activity_from_record(inputs["current"])
    history = [activity_from_record(r) for r in inputs["history"]]
    return rules.evaluate(current, history, profile)
