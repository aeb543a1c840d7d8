"""The back office's pages (``/admin``), one module per page or group of pages. Each module has a
``router``; ``ROUTERS`` is what ``install_web`` mounts. Every page needs a staff permission, in a
session that proved a second factor."""

from onramp.web.admin import customers, home, orders

ROUTERS = (home.router, customers.router, orders.router)

__all__ = ["ROUTERS"]
