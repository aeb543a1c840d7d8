"""What the back office's reconciliation pages pass their templates, for test_pages.py's
every-template check (each page's variables, with made-up values)."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace


def recon_context() -> dict[str, object]:
    now = datetime.datetime.now(datetime.UTC)
    found = SimpleNamespace(
        id=uuid.uuid4(), run_date=now.date(), type="bank_fee_unbooked", source="bank",
        bank="sandbox", amount=75, currency="EUR", reference="fee-1",
        detail="a charge the bank took", state="open", assignee_id=None, resolution=None,
        resolved_by=None, approved_by=None, created_at=now, tripped_at=now,
    )  # fmt: skip
    run = SimpleNamespace(
        run_date=now.date(), finished_at=now, requested_by="worker:recon", open_breaks=1
    )
    comment = SimpleNamespace(author_id=uuid.uuid4(), created_at=now, body="asked the bank")
    url = SimpleNamespace(include_query_params=lambda **q: f"/admin/recon?format={q['format']}")
    return {
        "request": SimpleNamespace(url=url),
        "breaks": [found],
        "runs": [run],
        "filters": {"state": "open", "type": "", "day": ""},
        "types": ["balance_mismatch", "bank_fee_unbooked"],
        "found": found,
        "comments": [comment],
        "can_resolve": True,
    }
