"""The back office's read-only and closed doors, in Chromium: an auditor opens every page the
navigation offers (each through ``look``) and every change they could ask for is refused, in the
page and by the API route behind it; a customer opens none of those pages, and a form posted
without its CSRF token is refused. The navigation is walked, so pages added later are covered."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import APIResponse, Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import (
    PASSWORD,
    look,
    new_email,
    sign_in,
    sign_up,
    staff_api,
    staff_signed_in,
)

# Pages of this module the navigation must offer an auditor (others' pages join by the walk).
AUDITOR_READS = ("/admin/approvals", "/admin/staff", "/admin/audit", "/admin/reports")
JSON = {"Accept": "application/json"}
# Forms on the person's own account, which an auditor looks after like anyone: signing out, their
# own API keys (with scopes their read-only role may delegate).
OWN_ACCOUNT = ("/app/sign-out", "/admin/api-keys")


def _customer_id(stack: Stack) -> str:
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        created = api.post(
            "/v1/auth/register",
            json={"email": new_email(), "password": PASSWORD, "full_name": "Cus Tomer"},
        )
        assert created.status_code == 201, created.text
        customer_id: str = created.json()["id"]
    return customer_id


def _opened(web: Page, href: str) -> int:
    answer = web.goto(href)
    assert answer is not None, href
    return answer.status


def _nav_pages(web: Page) -> list[str]:
    links = web.get_by_role("navigation", name="Main").locator("a.nav-link")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return sorted({h for h in hrefs if h.startswith("/admin")})


def _post_forms(web: Page) -> list[str]:
    """The actions of the page's POST forms, but those on the person's own account."""
    actions: list[str] = web.eval_on_selector_all(
        "main form[method=post]", "forms => forms.map(f => f.getAttribute('action'))"
    )
    return sorted(a for a in set(actions) if not a.startswith(OWN_ACCOUNT))


def _csrf(web: Page) -> str:
    token = web.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    return token


def _refused_page(web: Page, url: str, form: dict[str, Any]) -> None:
    """A form post as the browser sends it (with the session's CSRF token): a 403 page."""
    answer: APIResponse = web.request.post(
        url, form={"csrf_token": _csrf(web), **form}, headers={"Accept": "text/html"}
    )
    assert answer.status == 403, (url, answer.status)
    assert "permission_denied" in answer.text(), url


def _refused_api(web: Page, url: str, body: dict[str, Any]) -> None:
    """The JSON route behind the page, with the auditor's own session: 403 as well."""
    answer = web.request.post(url, data=body, headers={**JSON, "X-CSRF-Token": _csrf(web)})
    assert answer.status == 403, (url, answer.status, answer.text())
    assert answer.json()["code"] == "permission_denied", url


def test_an_auditor_reads_every_back_office_page_and_changes_nothing(
    web: Page, stack: Stack
) -> None:
    admin, _ = staff_api(stack, "admin")
    customer_id = _customer_id(stack)
    proposed = admin.post(f"/v1/admin/users/{customer_id}/role", json={"role": "support"})
    assert proposed.status_code == 202, proposed.text
    approval_id = proposed.json()["id"]

    staff_signed_in(web, stack, "auditor")
    pages = _nav_pages(web)
    assert set(AUDITOR_READS) <= set(pages), pages
    for href in pages:
        assert _opened(web, href) == 200, href
        expect(web.locator("main")).not_to_contain_text("permission_denied")
        look(web, "auditor" + href.replace("/", "-"))
        for action in _post_forms(web):  # whatever a page shows them, the server refuses
            web.goto(href)
            with web.expect_navigation() as sent:
                web.locator(f'main form[action="{action}"]').first.evaluate("f => f.submit()")
            assert sent.value is not None, (href, action)
            assert sent.value.status == 403, (href, action)

    # The actions of this module's pages, which are not shown to an auditor: refused all the same.
    web.goto("/admin/approvals")
    expect(web.locator("#requests")).to_contain_text("identity.change_role")
    expect(web.locator("#nothing-waiting")).to_contain_text("decides none")
    for verdict in ("approve", "reject"):
        _refused_page(web, f"/admin/approvals/{approval_id}/{verdict}", {"reason": "no"})
        _refused_api(web, f"/v1/approvals/{approval_id}/{verdict}", {"reason": "no"})
    for action, form in (("role", {"role": "admin"}), ("deactivate", {}), ("reactivate", {})):
        _refused_page(web, f"/admin/staff/{customer_id}/{action}", form)
        _refused_api(web, f"/v1/admin/users/{customer_id}/{action}", form)
    # Nothing changed: the request still waits, the customer is still a customer.
    still = admin.get("/v1/approvals", params={"status": "pending"}).json()["data"]
    assert approval_id in {r["id"] for r in still}
    admin.close()


def test_the_audit_log_filters_pages_and_verifies_its_chain(web: Page, stack: Stack) -> None:
    admin, admin_id = staff_api(stack, "admin")
    customer_id = _customer_id(stack)
    assert admin.post(f"/v1/admin/users/{customer_id}/role", json={"role": "auditor"}).is_success
    admin.close()
    staff_signed_in(web, stack, "compliance_officer")
    web.goto("/admin/audit")
    expect(web.locator("#chain-verdict")).to_be_visible()  # htmx replaced the link with it
    web.get_by_label("Actor").fill(f"user:{admin_id}")
    web.get_by_label("Action").fill("approval.")
    web.get_by_role("button", name="Filter").click()
    rows = web.locator("#audit-records tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("approval.requested")
    expect(rows.first).to_contain_text("identity.change_role")
    look(web, "admin-audit")
    with web.expect_download() as download:
        web.locator("#audit-csv").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "seq,id,at,actor,action,entity_type,entity_id,data"
    assert len(lines) == 2
    assert f"user:{admin_id},approval.requested" in lines[1]
    web.get_by_label("From (UTC day, included)").fill("2030-01-02")
    web.get_by_label("To (UTC day, included)").fill("2030-01-01")
    web.get_by_role("button", name="Filter").click()
    expect(web.get_by_role("alert")).to_contain_text("ends before it starts")
    web.goto("/admin/audit/verification")
    expect(web.locator("#chain-verdict")).to_contain_text(re.compile("Verified up to entry|broken"))
    look(web, "admin-audit-verification")


def test_a_customer_opens_no_back_office_page(web: Page, stack: Stack) -> None:
    staff_signed_in(web, stack, "auditor")
    pages = _nav_pages(web)
    assert set(AUDITOR_READS) <= set(pages), pages
    web.context.clear_cookies()
    email = new_email()
    sign_up(web, email=email)
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    for href in pages:
        assert _opened(web, href) == 403, href
        expect(web.locator("main")).to_contain_text("permission_denied")
        look(web, "customer-refused" + href.replace("/", "-"))
        api = web.request.get(href, headers=JSON)
        assert api.status == 403, href
        assert api.json()["code"] == "permission_denied", href
    # A form posted without its CSRF token changes nothing and is refused before anything else.
    web.goto("/app")
    target = f"/admin/staff/{uuid.uuid4()}/deactivate"
    refused = web.request.post(target, form={"reason": "x"}, headers={"Accept": "text/html"})
    assert refused.status == 403
    assert "csrf_token_invalid" in refused.text()
    expect(web.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
