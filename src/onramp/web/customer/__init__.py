"""The customer dashboard's pages (``/app``), one module per page or group of pages. Each module
has a ``router``; ``ROUTERS`` is what ``install_web`` mounts."""

from onramp.web.customer import home, order_page, orders, quotes

ROUTERS = (home.router, quotes.router, orders.router, order_page.router)

__all__ = ["ROUTERS"]
