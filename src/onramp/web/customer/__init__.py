"""The customer dashboard's pages (``/app``), one module per page or group of pages. Each module
has a ``router``; ``ROUTERS`` is what ``install_web`` mounts."""

from onramp.web.customer import home

ROUTERS = (home.router,)

__all__ = ["ROUTERS"]
