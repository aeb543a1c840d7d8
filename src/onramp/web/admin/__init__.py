"""The back office's pages (``/admin``), one module per page or group of pages. Each module has a
``router``; ``ROUTERS`` is what ``install_web`` mounts. Every page needs a staff permission, in a
session that proved a second factor."""

from onramp.web.admin import (
    alerts,
    api_keys,
    approvals,
    audit,
    circuit_breaker,
    compliance_cases,
    compliance_review,
    customers,
    deposits,
    home,
    orders,
    recon,
    refunds,
    reports,
    staff,
    treasury,
    treasury_proposals,
)

ROUTERS = (
    home.router,
    customers.router,
    orders.router,
    approvals.router,
    compliance_review.router,
    compliance_cases.router,
    deposits.router,
    refunds.router,
    treasury.router,
    treasury_proposals.router,
    circuit_breaker.router,
    recon.router,
    staff.router,
    audit.router,
    reports.router,
    api_keys.router,
    alerts.router,
)

__all__ = ["ROUTERS"]
