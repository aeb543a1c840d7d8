from __future__ import annotations

from onramp.core.errors import InvalidInput, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    title = "Order not found"


class NoDefaultWallet(InvalidInput):
    code = "destination_required"
    title = "No destination address given and no customer wallet factory configured"
