"""The back office's staff, approvals and reports pages, in Chromium: an admin proposes a role
change that a second admin approves (and approves one in turn on "waiting for you"); a
compliance officer shows a report with its chart and downloads it as CSV and PDF; an auditor
makes an API key of their own, uses it and revokes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import look, staff_api, staff_signed_in


def test_role_changes_take_two_admins(web: Page, stack: Stack) -> None:
    other_admin, _ = staff_api(stack, "admin")
    support, support_id = staff_api(stack, "support")
    support.close()
    staff_signed_in(web, stack, "admin")
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    web.get_by_label("Role", exact=True).select_option("support")
    web.get_by_role("button", name="Filter").click()
    row = web.locator("#staff tbody tr", has=web.locator(f'form[action*="{support_id}"]'))
    expect(row).to_contain_text("support")
    look(web, "admin-staff")
    row.get_by_label(re.compile("New role for")).select_option("treasurer")
    row.get_by_label("Reason for the role change").fill("moves to treasury")
    row.get_by_role("button", name="Propose role").click()
    expect(web.locator("#notice")).to_contain_text("another admin approves it")
    # The change waits for a second admin; the proposer cannot approve it themselves.
    waiting = other_admin.get("/v1/approvals", params={"waiting_for_me": "true"}).json()["data"]
    proposal = next(r for r in waiting if r["payload"].get("user_id") == support_id)
    assert proposal["payload"]["role"] == "treasurer"
    approved = other_admin.post(f"/v1/approvals/{proposal['id']}/approve", json={})
    assert approved.status_code == 200, approved.text
    web.goto("/admin/staff?role=treasurer")
    expect(web.locator("#staff")).to_contain_text("treasurer")

    # The other way round: the other admin asks, this one decides under "waiting for you".
    asked = other_admin.post(f"/v1/admin/users/{support_id}/deactivate", json={})
    assert asked.status_code == 200, asked.text
    proposed = other_admin.post(f"/v1/admin/users/{support_id}/reactivate", json={})
    assert proposed.status_code == 202, proposed.text
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    mine = web.locator(
        "#waiting tbody tr", has=web.locator(f'form[action*="{proposed.json()["id"]}"]')
    )
    expect(mine).to_contain_text("identity.reactivate_user")
    look(web, "admin-approvals")
    mine.get_by_label(re.compile("Reason for your decision")).fill("back from leave")
    mine.get_by_role("button", name="Approve").click()
    expect(web.locator("#notice")).to_contain_text("Approved")
    web.goto("/admin/staff?status=active&role=treasurer")
    back = web.locator("#staff tbody tr", has=web.locator(f'form[action*="{support_id}"]'))
    expect(back.get_by_role("button", name="Deactivate now")).to_be_visible()
    other_admin.close()


def test_a_report_with_its_chart_as_csv_and_pdf(web: Page, stack: Stack) -> None:
    staff_signed_in(web, stack, "compliance_officer")
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    today = datetime.now(UTC).date()
    web.get_by_label("Report", exact=True).select_option("screening-stats")
    web.get_by_label("First day (UTC)").fill((today - timedelta(days=7)).isoformat())
    web.get_by_label("Last day (UTC, included)").fill(today.isoformat())
    web.get_by_role("button", name="Show the report").click()
    expect(web.locator("#report-rows")).to_contain_text("alerts.total")
    # Chart.js drew the page's data (a module of the app's own; the CSP allows no inline one).
    web.wait_for_function("() => window.Chart && Chart.getChart('report-chart') !== undefined")
    look(web, "admin-reports")
    with web.expect_download() as csv_file:
        web.locator("#report-csv").click()
    assert Path(csv_file.value.path()).read_text().splitlines()[0] == "metric,key,value"
    with web.expect_download() as pdf_file:
        web.locator("#report-pdf").click()
    assert pdf_file.value.suggested_filename.endswith(".pdf")
    assert Path(pdf_file.value.path()).read_bytes().startswith(b"%PDF")
    web.goto(f"/admin/reports?report=ctr&from={today}&to={today - timedelta(days=1)}")
    expect(web.locator("main")).to_contain_text("report_period_invalid")


def test_staff_make_and_revoke_their_own_api_key(web: Page, stack: Stack) -> None:
    staff_signed_in(web, stack, "auditor")
    web.get_by_role("navigation", name="Main").get_by_role("link", name="My API keys").click()
    scopes = web.locator("#new-key-form")
    expect(scopes.get_by_label("audit:read")).to_have_count(1)
    expect(scopes.get_by_label("back_office:open")).to_have_count(0)  # a person's only
    scopes.get_by_label("Name").fill("audit-export")
    scopes.get_by_label("compliance:reports").check()
    web.get_by_role("button", name="Make the key").click()
    secret = web.locator("#new-key-secret").inner_text()
    look(web, "admin-api-keys")
    today = datetime.now(UTC).date()
    report = f"/v1/compliance/reports/screening-stats?from={today}&to={today}"
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        api.headers["Authorization"] = f"Bearer {secret}"
        assert api.get(report).status_code == 200
        assert api.get("/v1/admin/audit").status_code == 403  # not a scope it was given
        web.goto("/admin/api-keys")
        expect(web.locator("#new-key-secret")).to_have_count(0)  # shown once
        web.get_by_role("button", name="Revoke audit-export").click()
        expect(web.locator("#api-keys")).not_to_contain_text("Revoke audit-export")
        assert api.get(report).status_code == 401
