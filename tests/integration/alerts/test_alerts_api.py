"""``/v1/admin/alerts`` on an in-process API and the real database: on-call staff list, filter
and page alerts, acknowledge and resolve them, and silence a rule; readers only read; each
refusal is a problem with a stable code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.alerts import Alert
from onramp.core.audit import AuditRecord
from onramp.devstack.stack import Stack
from tests.compliance import conftest as compliance
from tests.compliance.conftest import StaffFactory
from tests.integration.alerts.conftest import Receiver, alert_settings, round_, test_rule

pytestmark = pytest.mark.integration
default_desk = compliance.default_desk


async def test_staff_list_acknowledge_resolve_and_silence(
    infra: Stack,
    default_desk: StaffFactory,
    sessions: async_sessionmaker[AsyncSession],
    receiver: Receiver,
) -> None:
    rule = test_rule("data_key_age", 0)
    await round_(sessions, rule, alert_settings(infra.settings, receiver), datetime.now(UTC))
    async with sessions() as session:
        alert_id = str(
            await session.scalar(
                select(Alert.id).where(Alert.rule == rule.name, Alert.group_key == "pii")
            )
        )
    tina, audrey = await default_desk("treasurer"), await default_desk("auditor")

    firing = await audrey.get("/v1/admin/alerts", params={"state": "firing", "limit": 200})
    assert firing.status_code == 200, firing.text
    mine = [a for a in firing.json()["data"] if a["id"] == alert_id]
    assert [(a["rule"], a["group"], a["severity"]) for a in mine] == [
        (rule.name, "pii", "critical")
    ]
    page = await audrey.get("/v1/admin/alerts", params={"limit": 1})
    assert len(page.json()["data"]) == 1
    assert page.json()["next_before"] is not None
    assert (await audrey.get("/v1/admin/alerts", params={"state": "nope"})).status_code == 422
    refused = await audrey.post(f"/v1/admin/alerts/{alert_id}/acknowledge")
    assert refused.status_code == 403
    support = await default_desk("support")
    assert (await support.get("/v1/admin/alerts")).status_code == 403

    acked = await tina.post(f"/v1/admin/alerts/{alert_id}/acknowledge")
    assert acked.status_code == 200, acked.text
    assert acked.json()["state"] == "acknowledged"
    assert acked.json()["acknowledged_by"] == f"user:{tina.user_id}"
    resolved = await tina.post(f"/v1/admin/alerts/{alert_id}/resolve")
    assert (resolved.status_code, resolved.json()["state"]) == (200, "resolved")
    again = await tina.post(f"/v1/admin/alerts/{alert_id}/resolve")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "alert_not_open"
    missing = await tina.post(f"/v1/admin/alerts/{uuid.uuid4()}/acknowledge")
    assert (missing.status_code, missing.json()["code"]) == (404, "alert_not_found")

    body = {"rule": "payout_stuck", "reason": "node maintenance", "duration_seconds": 3600}
    silenced = await tina.post("/v1/admin/alerts/silences", body)
    assert silenced.status_code == 201, silenced.text
    assert silenced.json()["created_by"] == f"user:{tina.user_id}"
    unknown = await tina.post("/v1/admin/alerts/silences", {**body, "rule": "no_such_rule"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "alert_silence_invalid")

    async with sessions() as session:
        actions = set(
            await session.scalars(
                select(AuditRecord.action).where(AuditRecord.entity_id == alert_id)
            )
        )
    assert {"alerts.fired", "alerts.acknowledged", "alerts.resolved"} <= actions
