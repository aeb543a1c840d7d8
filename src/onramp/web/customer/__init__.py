"""The customer dashboard's pages (``/app``), one module per page or group of pages. Each module
has a ``router``; ``ROUTERS`` is what ``install_web`` mounts."""

from onramp.web.customer import (
    account_lists,
    api_keys,
    bank_accounts,
    home,
    kyc,
    limits,
    order_page,
    orders,
    privacy,
    quotes,
    security,
    wallets,
)

ROUTERS = (
    home.router,
    quotes.router,
    orders.router,
    order_page.router,
    security.router,
    api_keys.router,
    kyc.router,
    bank_accounts.router,
    wallets.router,
    limits.router,
    privacy.router,
    account_lists.router,
)

__all__ = ["ROUTERS"]
