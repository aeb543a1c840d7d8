"""The back office's compliance, deposits and treasury pages ask for the permission of the JSON
route whose service they call, and none of their forms posts with a permission an auditor
holds: an auditor reads, never changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from onramp.api.app import ROUTERS as API_ROUTERS
from onramp.auth.access import declared_permission
from onramp.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from onramp.web.admin import ROUTERS as ADMIN_ROUTERS

# page -> the JSON route it stands for
SAME_AS = {
    ("GET", "/admin/kyc"): ("GET", "/v1/kyc/cases"),
    ("GET", "/admin/compliance/cases"): ("GET", "/v1/compliance/cases"),
    ("GET", "/admin/compliance/cases/{case_id}"): ("GET", "/v1/compliance/cases/{case_id}"),
    ("POST", "/admin/compliance/cases/{case_id}/assign"): (
        "POST",
        "/v1/compliance/cases/{case_id}/assign",
    ),
    ("POST", "/admin/compliance/cases/{case_id}/decision"): (
        "POST",
        "/v1/compliance/cases/{case_id}/decision",
    ),
    ("GET", "/admin/compliance/cases/{case_id}/sar.pdf"): (
        "GET",
        "/v1/compliance/cases/{case_id}/sar",
    ),
    ("GET", "/admin/compliance/screenings"): ("GET", "/v1/compliance/screenings"),
    ("GET", "/admin/compliance/rescreens"): ("GET", "/v1/compliance/rescreens"),
    ("GET", "/admin/deposits/suspense"): ("GET", "/v1/admin/deposits/suspense"),
    ("POST", "/admin/deposits/{deposit_id}/assign"): (
        "POST",
        "/v1/admin/deposits/{deposit_id}/assign",
    ),
    ("POST", "/admin/deposits/{deposit_id}/return"): (
        "POST",
        "/v1/admin/deposits/{deposit_id}/return",
    ),
    ("GET", "/admin/refunds"): ("GET", "/v1/admin/refunds"),
    ("GET", "/admin/refunds/files"): ("GET", "/v1/admin/refunds/files"),
    ("POST", "/admin/refunds/{refund_id}/{act}"): (
        "POST",
        # both acts, confirm-sent and mark-failed, ask the same permission
        "/v1/admin/refunds/{refund_id}/confirm-sent",
    ),
    ("GET", "/admin/deposits/files"): ("GET", "/v1/admin/deposits/files"),
    ("GET", "/admin/treasury"): ("GET", "/v1/admin/treasury/positions"),
    ("GET", "/admin/treasury/mints"): ("GET", "/v1/admin/treasury/issuer-operations"),
    ("POST", "/admin/treasury/mints"): ("POST", "/v1/admin/treasury/mints"),
    ("POST", "/admin/treasury/redeems"): ("POST", "/v1/admin/treasury/redeems"),
    ("GET", "/admin/treasury/proposals"): ("GET", "/v1/admin/treasury/proposals"),
    ("POST", "/admin/treasury/proposals"): ("POST", "/v1/admin/treasury/proposals"),
    ("POST", "/admin/treasury/proposals/{proposal_id}/signatures"): (
        "POST",
        "/v1/admin/treasury/proposals/{proposal_id}/signatures",
    ),
    ("POST", "/admin/treasury/proposals/{proposal_id}/cancel"): (
        "POST",
        "/v1/admin/treasury/proposals/{proposal_id}/cancel",
    ),
    ("GET", "/admin/treasury/circuit-breaker"): ("GET", "/v1/admin/treasury/circuit-breaker"),
    ("POST", "/admin/treasury/circuit-breaker/trip"): (
        "POST",
        "/v1/admin/treasury/circuit-breaker/trip",
    ),
    ("POST", "/admin/treasury/circuit-breaker/resume"): (
        "POST",
        "/v1/admin/treasury/circuit-breaker/resume",
    ),
    ("GET", "/admin/recon"): ("GET", "/v1/admin/recon/breaks"),
    ("GET", "/admin/recon/breaks/{break_id}"): ("GET", "/v1/admin/recon/breaks/{break_id}"),
    ("POST", "/admin/recon/breaks/{break_id}/assign"): (
        "POST",
        "/v1/admin/recon/breaks/{break_id}/assign",
    ),
    ("POST", "/admin/recon/breaks/{break_id}/comment"): (
        "POST",
        "/v1/admin/recon/breaks/{break_id}/comment",
    ),
    ("POST", "/admin/recon/breaks/{break_id}/resolve"): (
        "POST",
        "/v1/admin/recon/breaks/{break_id}/resolve",
    ),
    ("POST", "/admin/recon/breaks/{break_id}/adjust"): (
        "POST",
        "/v1/admin/recon/breaks/{break_id}/resolve",
    ),
}
MINE = (
    "/admin/kyc",
    "/admin/compliance",
    "/admin/deposits",
    "/admin/refunds",
    "/admin/treasury",
    "/admin/recon",
)


def _permissions(route: APIRoute) -> set[Permission]:
    found: set[Permission] = set()
    pending: list[Any] = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if (permission := declared_permission(dependant.call)) is not None:
            found.add(permission)
        pending.extend(dependant.dependencies)
    return found


def _routes(routers: Any) -> dict[tuple[str, str], set[Permission]]:
    return {
        (method, route.path): _permissions(route)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


@pytest.mark.parametrize(("page", "api"), sorted(SAME_AS.items()))
def test_a_page_asks_what_its_json_route_asks(page: tuple[str, str], api: tuple[str, str]) -> None:
    pages, routes = _routes(ADMIN_ROUTERS), _routes(API_ROUTERS)
    assert pages[page], f"{page} declares no permission"
    assert pages[page] == routes[api]


def test_an_auditor_changes_nothing_through_these_pages() -> None:
    auditor = ROLE_PERMISSIONS[Role.AUDITOR]
    posts = {
        path: permissions
        for (method, path), permissions in _routes(ADMIN_ROUTERS).items()
        if method == "POST" and path.startswith(MINE)
    }
    assert len(posts) >= 12
    for path, permissions in posts.items():
        assert permissions, f"{path} declares no permission"
        assert not permissions & auditor, f"an auditor may post {path}"
