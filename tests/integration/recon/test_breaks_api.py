"""The breaks queue over HTTP, on an in-process API and the real database: runs and breaks listed
and filtered, a break assigned, commented on and resolved (audited); an auditor reads but does
not resolve, a customer reads nothing; a resolution with an adjusting entry waits for a second
person, who cannot be the first, and the entry posts (balanced) when they approve."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import BankStatementLine
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.ledger import balance_of
from onramp.recon import run_recon
from tests.compliance import conftest as compliance
from tests.compliance.conftest import StaffFactory
from tests.integration.recon.days import fresh_day

pytestmark = pytest.mark.integration

# The fixture: ``await default_desk("treasurer")``, someone of that role with MFA done, on an
# in-process API with the default settings.
default_desk = compliance.default_desk


async def _break(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, str, date]:
    """A credit line of 7.00 EUR the books never received: one open missing_in_ledger break
    (its id), of a bank of its own, on a day of its own."""
    day = fresh_day()
    bank = f"rq{uuid7().hex[-10:]}"
    async with unit_of_work(sessions) as session:
        session.add(
            BankStatementLine(
                id=uuid7(), bank=bank, entry_key="lost-1", account="DE02120300000000202051",
                booking_date=day, direction="credit", reversal=False, amount=7_00,
                currency="EUR", end_to_end_id=None, first_file_id=uuid7(),
            )
        )  # fmt: skip
    async with unit_of_work(sessions) as session:
        result = await run_recon(
            session, day=day, now=datetime.now(UTC), requested_by="test", obligations_of=()
        )
    (found,) = result.breaks
    return str(found.id), bank, day


async def test_the_queue_lists_filters_assigns_comments_and_resolves(
    default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    break_id, bank, day = await _break(sessions)
    tina, tom = await default_desk("treasurer"), await default_desk("treasurer")
    url = f"/v1/admin/recon/breaks/{break_id}"

    runs = await tina.get("/v1/admin/recon/runs", params={"date": day.isoformat()})
    assert runs.status_code == 200, runs.text
    assert [r["open_breaks"] for r in runs.json()["data"]] == [1]
    listed = await tina.get(
        "/v1/admin/recon/breaks",
        params={"state": "open", "type": "missing_in_ledger", "date": day.isoformat()},
    )
    assert [b["id"] for b in listed.json()["data"]] == [break_id]
    assert listed.json()["data"][0]["bank"] == bank
    other_type = await tina.get(
        "/v1/admin/recon/breaks", params={"type": "duplicate", "date": day.isoformat()}
    )
    assert other_type.json()["data"] == []
    page = await tina.get("/v1/admin/recon/breaks", params={"limit": 1})
    assert len(page.json()["data"]) == 1
    assert page.json()["next_before"] is not None
    bad = await tina.get("/v1/admin/recon/breaks", params={"state": "nonsense"})
    assert bad.status_code == 422

    assigned = await tina.post(f"{url}/assign", {"assignee_id": tom.user_id})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_id"] == tom.user_id
    customer = await default_desk("customer")
    not_staff = await tina.post(f"{url}/assign", {"assignee_id": customer.user_id})
    assert not_staff.status_code == 422
    assert not_staff.json()["code"] == "recon_assignee_not_allowed"
    noted = await tom.post(f"{url}/comment", {"body": "No deposit: asked the bank for the payer"})
    assert noted.status_code == 201, noted.text

    resolved = await tom.post(f"{url}/resolve", {"reason": "A test booking the bank reversed"})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["state"] == "resolved"
    assert resolved.json()["resolved_by"] == f"user:{tom.user_id}"
    detail = (await tina.get(url)).json()
    assert [c["body"] for c in detail["comments"]] == ["No deposit: asked the bank for the payer"]
    again = await tom.post(f"{url}/resolve", {"reason": "twice"})
    assert again.status_code == 409
    assert again.json()["code"] == "recon_break_not_open"
    missing = await tina.get(f"/v1/admin/recon/breaks/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "recon_break_not_found"
    async with sessions() as session:
        audited = await session.scalar(
            select(AuditRecord.actor).where(
                AuditRecord.action == "recon.break_resolved", AuditRecord.entity_id == break_id
            )
        )
    assert audited == f"user:{tom.user_id}"


async def test_an_auditor_reads_but_does_not_resolve_and_a_customer_reads_nothing(
    default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    break_id, _, _ = await _break(sessions)
    auditor, customer = await default_desk("auditor"), await default_desk("customer")
    url = f"/v1/admin/recon/breaks/{break_id}"

    assert (await auditor.get(url)).status_code == 200
    assert (await auditor.get("/v1/admin/recon/runs")).status_code == 200
    for action, body in (("resolve", {"reason": "x"}), ("comment", {"body": "x"})):
        denied = await auditor.post(f"{url}/{action}", body)
        assert denied.status_code == 403
        assert denied.json()["code"] == "permission_denied"
    for path in ("/v1/admin/recon/breaks", "/v1/admin/recon/runs", url):
        assert (await customer.get(path)).status_code == 403
    assert (await customer.post(f"{url}/resolve", {"reason": "x"})).status_code == 403


async def test_a_resolution_with_an_adjusting_entry_posts_it_when_a_second_person_approves(
    default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    break_id, bank, _ = await _break(sessions)
    tina, tom = await default_desk("treasurer"), await default_desk("treasurer")
    url = f"/v1/admin/recon/breaks/{break_id}"
    adjustment = {"account": "suspense:EUR", "amount": "7.00", "currency": "EUR", "side": "credit"}

    wrong = await tina.post(
        f"{url}/resolve",
        {"reason": "x", "adjustment": {**adjustment, "account": f"bank:{bank}:EUR"}},
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "recon_adjustment_invalid"
    asked = await tina.post(
        f"{url}/resolve", {"reason": "Booked the lost credit to suspense", "adjustment": adjustment}
    )
    assert asked.status_code == 202, asked.text
    approval_id = asked.json()["approval_id"]
    assert (await tina.get(url)).json()["state"] == "open"
    twice = await tom.post(f"{url}/resolve", {"reason": "again", "adjustment": adjustment})
    assert twice.status_code == 409
    assert twice.json()["code"] == "recon_break_resolution_pending"
    async with sessions() as session:
        assert (await balance_of(session, f"bank:{bank}:EUR")).minor == 0

    own = await tina.post(f"/v1/approvals/{approval_id}/approve", {})
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes_violation"
    approved = await tom.post(f"/v1/approvals/{approval_id}/approve", {"reason": "checked"})
    assert approved.status_code == 200, approved.text

    done = (await tina.get(url)).json()
    assert done["state"] == "resolved"
    assert done["resolved_by"] == f"user:{tina.user_id}"
    assert done["approved_by"] == f"user:{tom.user_id}"
    assert done["adjusting_entry_id"] is not None
    async with sessions() as session:
        assert (await balance_of(session, f"bank:{bank}:EUR")).minor == 7_00
