"""What the back office's alerts page passes its template (for tests/unit/web/test_pages.py)."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace


def alerts_context() -> dict[str, object]:
    now = datetime.datetime.now(datetime.UTC)
    alert = SimpleNamespace(
        id=uuid.uuid4(),
        rule="payout_stuck",
        group_key="queued",
        state="firing",
        severity="critical",
        summary="3 payouts queued, the oldest for 20 min",
        runbook="docs/alerts.md#payout-stuck",
        first_seen_at=now,
        acknowledged_by="user:1",
        resolved_by=None,
        resolved_at=None,
        silenced_by=uuid.uuid4(),
    )
    silence = SimpleNamespace(
        rule="payout_stuck", group_key=None, ends_at=now, reason="node upgrade", created_by="user:1"
    )
    return {
        "alerts": [alert],
        "next_before": alert.id,
        "first_page": False,
        "alert_state": "firing",
        "alert_states": ["pending", "firing", "acknowledged", "resolved"],
        "silences": [silence],
        "rule_names": ["payout_stuck"],
        "can_manage": True,
    }
