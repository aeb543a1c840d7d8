"""The order saga that drives the money path."""

from onramp.orders.errors import OrderNotFound
from onramp.orders.placing import create_order
from onramp.orders.priced import PricedOrder, priced_between
from onramp.orders.queries import customers_of, get_order, history_of, list_orders
from onramp.orders.states import TRANSITIONS, IllegalTransition, OrderState

__all__ = [
    "TRANSITIONS",
    "IllegalTransition",
    "OrderNotFound",
    "OrderState",
    "PricedOrder",
    "create_order",
    "customers_of",
    "get_order",
    "history_of",
    "list_orders",
    "priced_between",
]
