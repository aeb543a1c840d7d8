"""The worker groups: which workers share a process when a small machine runs a few hosts
instead of one process per worker (``onramp worker --group NAME``; ``onramp dev`` by default).

Grouped by what they wait on, so one busy stage does not starve an unrelated one: money coming
in (the relay that feeds every consumer, matching, the saga), money going out (the chain's
senders and watchers, refunds), the reserves (treasury rounds, the risk monitor, the bank's
files, reconciliation) and the back office (audit, emails, KYC, re-screening, alerts, webhooks).
Every registered worker is in exactly one group (tests/unit/runtime/workers/test_groups.py)."""

from __future__ import annotations

GROUPS: dict[str, tuple[str, ...]] = {
    "money_in": ("relay", "deposits", "orders", "order_expiry"),
    "money_out": ("payouts", "confirmations", "refunds", "withdrawals"),
    "reserves": ("treasury", "risk", "bank_files", "recon"),
    "back_office": ("audit", "mailer", "kyc_review", "rescreen", "alerts", "webhooks"),
}
