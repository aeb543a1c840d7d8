"""Outbound webhooks: customers' endpoints for the orders' events, signed in the Standard
Webhooks format, delivered from the outbox with backoff, in order per order, never to an
internal address."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.webhooks.addresses import UrlPolicy as UrlPolicy
    from onramp.webhooks.addresses import check_url as check_url
    from onramp.webhooks.api import catalogue_router as webhook_types_router  # noqa: F401
    from onramp.webhooks.api import router as webhooks_router  # noqa: F401
    from onramp.webhooks.service import webhooks_consumer as webhooks_consumer
    from onramp.webhooks.worker import run_deliveries as run_deliveries

_LAZY = {
    "UrlPolicy": ("onramp.webhooks.addresses", "UrlPolicy"),
    "check_url": ("onramp.webhooks.addresses", "check_url"),
    "run_deliveries": ("onramp.webhooks.worker", "run_deliveries"),
    "webhook_types_router": ("onramp.webhooks.api", "catalogue_router"),
    "webhooks_consumer": ("onramp.webhooks.service", "webhooks_consumer"),
    "webhooks_router": ("onramp.webhooks.api", "router"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "UrlPolicy",
    "check_url",
    "run_deliveries",
    "webhook_types_router",
    "webhooks_consumer",
    "webhooks_router",
]
