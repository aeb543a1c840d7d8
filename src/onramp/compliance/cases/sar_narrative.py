"""The narrative a SAR draft starts from: what happened, in order, from the case's facts. The
filing officer edits it; it states only what the records show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


def totals(transactions: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Amount received per currency (decimal strings), over the deposits listed."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for t in transactions:
        if t.get("amount") and t.get("currency"):
            sums[t["currency"]] += Decimal(str(t["amount"]))
    return {currency: str(amount) for currency, amount in sorted(sums.items())}


def narrative(document: Mapping[str, Any]) -> str:
    case = document["case"]
    subjects = document["subjects"]
    transactions = document["transactions"]
    alerts = document["alerts"]
    activity = document["activity"]
    who = subjects[0]["full_name"] if subjects and subjects[0].get("full_name") else "the customer"
    parts = [
        f"{document['institution']['name']} reports activity of its customer {who} "
        f"(customer id {case['customer_id']}), reviewed in compliance case {case['id']}."
    ]
    if transactions:
        amounts = ", ".join(f"{a} {c}" for c, a in activity["totals"].items()) or "no funds"
        parts.append(
            f"Between {activity['first_at']} and {activity['last_at']} the customer sent "
            f"{len(transactions)} bank transfer(s) totalling {amounts} to buy USDC."
        )
    for alert in alerts:
        parts.append(
            f"On {alert['created_at']} {alert['source']} raised a {alert['severity']}-severity "
            f"{alert['kind']} alert ({alert['action']}): {alert['reason']}"
        )
    destinations = sorted(
        {t["destination_address"] for t in transactions if t.get("destination_address")}
    )
    if destinations:
        parts.append(f"Destination wallet(s): {', '.join(destinations)}.")
    if case.get("decision"):
        parts.append(
            f"On {case['closed_at']} the case was decided: {case['decision']}. "
            f"Reason: {case['decision_reason']}"
        )
    notes = document.get("notes") or []
    if notes:
        parts.append("Officer's notes:")
        parts.extend(f"- {n['created_at']}: {n['body']}" for n in notes)
    return "\n".join(parts)
