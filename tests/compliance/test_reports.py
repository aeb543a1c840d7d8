"""Reports over real deposits, alerts and cases: the CTR-style report aggregates one customer's
deposits of one day (never across customers or days); screening statistics count what the
money path raised; auditors export alerts, cases and audit records; the same through the CLI
and the API (compliance officers and auditors only)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from onramp import reports
from onramp.core.clock import FixedClock, utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from onramp.runtime.cli import app as cli
from tests.compliance.funding import Desk, fund, new_customer
from tests.e2e.conftest import as_if_logged_in_with_mfa

# A day of their own: no other test books deposits then.
DAY = date(2025, 3, 14)
AT = datetime(2025, 3, 14, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.parse(amount, "USD")


@pytest.fixture
def desk(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> Desk:
    return Desk(infra.settings, sessions)


async def deposit(desk: Desk, customer: uuid.UUID, amount: Money, at: datetime) -> uuid.UUID:
    # Screened here, as the orders worker would: a running stack's worker then has nothing
    # left to raise later, in another test's period.
    return (await fund(desk, customer, amount, at)).deposit_id


async def ctr_rows(desk: Desk, first: date, last: date, fmt: str = "json") -> str:
    async with unit_of_work(desk.sessions) as session:
        document = await reports.ctr_document(
            session,
            desk=desk.fx,
            templates=desk.settings.compliance.report_templates_dir,
            period=reports.Period(first, last),
            threshold_usd=Decimal("10000"),
            fmt=reports.ReportFormat(fmt),
            actor="test:reports",
        )
    return document.content


def lines(content: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.splitlines()]


async def test_ctr_aggregates_a_customers_deposits_of_one_day_and_nothing_across(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ann, bob, cyd = [await new_customer(sessions) for _ in range(3)]
    a1 = await deposit(desk, ann, usd("4000.00"), AT + timedelta(hours=8))
    a2 = await deposit(desk, ann, usd("3500.00"), AT + timedelta(hours=13))
    a3 = await deposit(desk, ann, usd("2600.00"), AT + timedelta(hours=23, minutes=59))
    await deposit(desk, ann, usd("9000.00"), AT + timedelta(days=1, minutes=5))  # next day
    await deposit(desk, bob, usd("6000.00"), AT + timedelta(hours=9))  # same day, other person
    c1 = await deposit(desk, cyd, usd("12000.00"), AT + timedelta(hours=10))

    rows = lines(await ctr_rows(desk, DAY, DAY))

    by_customer = {r["customer_id"]: r for r in rows}
    assert set(by_customer) == {str(ann), str(cyd)}
    assert by_customer[str(ann)]["total_usd"] == "10100.00"
    assert by_customer[str(ann)]["deposit_count"] == 3
    assert by_customer[str(ann)]["deposit_ids"] == [str(a1), str(a2), str(a3)]
    assert by_customer[str(ann)]["date"] == "2025-03-14"
    assert by_customer[str(cyd)]["deposit_ids"] == [str(c1)]
    # Ann's next day alone is under the threshold, and days are never summed together.
    two_days = lines(await ctr_rows(desk, DAY, DAY + timedelta(days=1)))
    assert sorted((r["customer_id"], r["date"]) for r in two_days) == sorted(
        [(str(ann), "2025-03-14"), (str(cyd), "2025-03-14")]
    )
    table = list(csv.reader(io.StringIO(await ctr_rows(desk, DAY, DAY, "csv"))))
    assert table[0][:4] == ["customer_id", "date", "total_usd", "deposit_count"]
    assert sorted(r[0] for r in table[1:]) == sorted([str(ann), str(cyd)])


async def _stats(sessions: async_sessionmaker[AsyncSession], desk: Desk) -> dict[str, Any]:
    today = utcnow().date()
    async with unit_of_work(sessions) as session:
        document = await reports.stats_document(
            session,
            templates=desk.settings.compliance.report_templates_dir,
            period=reports.Period(today, today),
            fmt=reports.ReportFormat.JSON,
            actor="test:reports",
        )
    figures: dict[str, Any] = json.loads(document.content)
    return figures


async def test_screening_stats_count_the_alerts_holds_and_cases_of_the_period(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    before = await _stats(sessions, desk)
    customer = await new_customer(sessions)
    await fund(desk, customer, usd("12000.00"), utcnow())  # large (hold) + new account (alert)
    await fund(desk, customer, usd("50.00"), utcnow())  # clear
    after = await _stats(sessions, desk)

    def delta(*path: str) -> int:
        a: Any = after
        b: Any = before
        for p in path:
            a, b = a.get(p, 0), b.get(p, 0)
        return int(a) - int(b)

    assert delta("alerts", "total") == 2
    assert delta("alerts", "by_source", "monitoring") == 2
    assert delta("alerts", "by_kind", "large-transaction") == 1
    assert delta("alerts", "by_action", "hold") == 1
    assert delta("cases", "opened") == 1
    assert (delta("orders", "funded"), delta("orders", "with_alerts"), delta("orders", "held")) == (
        2,
        1,
        1,
    )
    assert Decimal(after["orders"]["hit_rate"]) > 0


async def test_auditors_export_alerts_cases_and_audit_records(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    await fund(desk, customer, usd("12000.00"), utcnow())
    today = utcnow().date()

    async def export(dataset: str, fmt: str = "json") -> str:
        async with unit_of_work(sessions) as session:
            document = await reports.export_document(
                session,
                templates=desk.settings.compliance.report_templates_dir,
                dataset=reports.Dataset(dataset),
                period=reports.Period(today, today),
                fmt=reports.ReportFormat(fmt),
                actor="test:auditor",
            )
        return document.content

    alerts = [a for a in lines(await export("alerts")) if a["customer_id"] == str(customer)]
    assert {a["kind"] for a in alerts} == {"large-transaction", "new-account-large-first-deposit"}
    assert all(a["evidence"]["rule_set_version"] for a in alerts)
    cases = [c for c in lines(await export("cases")) if c["customer_id"] == str(customer)]
    assert [(c["status"], c["decision"]) for c in cases] == [("open", None)]
    audit = lines(await export("audit"))
    raised = {r["entity_id"] for r in audit if r["action"] == "compliance.alert_raised"}
    assert {a["alert_id"] for a in alerts} <= raised
    # Generating a report is itself on the record.
    assert any(
        r["action"] == "compliance.report_generated" and r["entity_id"] == "export:alerts"
        for r in lines(await export("audit"))
    )
    table = list(csv.reader(io.StringIO(await export("cases", "csv"))))
    assert table[0][0] == "case_id"


def test_the_cli_prints_the_ctr_report(infra: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_DATABASE__URL", infra.settings.database.url)
    result = CliRunner().invoke(
        cli, ["reports", "ctr", "--from", "2025-03-14", "--to", "2025-03-14", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("customer_id,date,total_usd")
    bad = CliRunner().invoke(
        cli, ["reports", "screening-stats", "--from", "2025-03-14", "--to", "2025-03-01"]
    )
    assert bad.exit_code == 1
    assert "report_period_invalid" in bad.stderr
    printed = CliRunner().invoke(
        cli, ["reports", "recon-summary", "--from", "2025-03-14", "--to", "2025-03-14",
              "--format", "pdf"],
    )  # fmt: skip
    assert printed.exit_code == 0, printed.output
    assert printed.stdout_bytes.startswith(b"%PDF-")
    monthly = CliRunner().invoke(
        cli, ["reports", "operations", "--from", "2025-03-01", "--to", "2025-03-31",
              "--period", "month", "--format", "csv"],
    )  # fmt: skip
    assert monthly.exit_code == 0, monthly.output
    assert {line.split(",")[0] for line in monthly.stdout.splitlines()[1:]} <= {"2025-03-01"}


@pytest.fixture
async def api(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(infra.settings, clock=FixedClock(datetime.now(UTC)))
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.78.{uuid.uuid4().int % 250}.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        yield client


async def _login_as(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: str
) -> dict[str, str]:
    email, password = f"{role}.{uuid.uuid4().hex}@example.com", "a perfectly long passphrase"
    r = await api.post(
        "/v1/auth/register", json={"email": email, "password": password, "full_name": "R"}
    )
    assert r.status_code == 201, r.text
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = :role, email_verified_at = now() WHERE id = :id"),
            {"role": role, "id": uuid.UUID(r.json()["id"])},
        )
    login = await api.post("/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    if role != "customer":
        await as_if_logged_in_with_mfa(sessions, r.json()["id"])
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_the_routes_serve_compliance_officers_and_auditors_only(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    period = {"from": "2025-03-14", "to": "2025-03-14"}
    auditor = await _login_as(api, sessions, "auditor")
    r = await api.get(
        "/v1/compliance/reports/ctr", params={**period, "format": "csv"}, headers=auditor
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("customer_id,date,total_usd")
    officer = await _login_as(api, sessions, "compliance_officer")
    stats = await api.get("/v1/compliance/reports/screening-stats", params=period, headers=officer)
    assert stats.status_code == 200, stats.text
    assert set(stats.json()) == {"period", "alerts", "cases", "screenings", "orders"}
    exported = await api.get("/v1/compliance/reports/exports/cases", params=period, headers=officer)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    printed = await api.get(
        "/v1/compliance/reports/operations",
        params={**period, "format": "pdf", "period": "month"},
        headers=officer,
    )
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF-")
    weekly = await api.get(
        "/v1/compliance/reports/operations", params={**period, "period": "week"}, headers=officer
    )
    assert weekly.status_code == 422

    backwards = await api.get(
        "/v1/compliance/reports/ctr",
        params={"from": "2025-03-14", "to": "2025-03-01"},
        headers=auditor,
    )
    assert (backwards.status_code, backwards.json()["code"]) == (422, "report_period_invalid")
    unknown = await api.get(
        "/v1/compliance/reports/exports/passwords", params=period, headers=auditor
    )
    assert unknown.status_code == 422
    customer = await _login_as(api, sessions, "customer")
    denied = await api.get("/v1/compliance/reports/ctr", params=period, headers=customer)
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    support = await _login_as(api, sessions, "support")
    denied = await api.get("/v1/compliance/reports/exports/audit", params=period, headers=support)
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
