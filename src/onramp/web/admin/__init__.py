"""The back office's pages (``/admin``), one module per page or group of pages. Each module has a
``router``; ``ROUTERS`` is what ``install_web`` mounts. Every page needs a staff permission, in a
session that proved a second factor."""

from onramp.web.admin import (
    circuit_breaker,
    compliance_cases,
    compliance_review,
    deposits,
    home,
    refunds,
    treasury,
    treasury_proposals,
)

ROUTERS = (
    home.router,
    compliance_review.router,
    compliance_cases.router,
    treasury.router,
    treasury_proposals.router,
    circuit_breaker.router,
    deposits.router,
    refunds.router,
)

__all__ = ["ROUTERS"]
