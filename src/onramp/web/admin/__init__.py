"""The back office's pages (``/admin``), one module per page or group of pages. Each module has a
``router``; ``ROUTERS`` is what ``install_web`` mounts. Every page needs a staff permission, in a
session that proved a second factor."""

from onramp.web.admin import api_keys, approvals, audit, home, reports, staff

ROUTERS = (
    home.router,
    audit.router,
    staff.router,
    approvals.router,
    reports.router,
    api_keys.router,
)

__all__ = ["ROUTERS"]
