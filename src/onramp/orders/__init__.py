"""The order saga that drives the money path."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
from onramp.orders.errors import OrderFilterInvalid, OrderNotFound
from onramp.orders.placement.placing import create_order
from onramp.orders.priced import PricedOrder, priced_between
from onramp.orders.queries import OrderFilter, customers_of, get_order, history_of, list_orders
from onramp.orders.states import TERMINAL, TRANSITIONS, IllegalTransition, OrderState

if TYPE_CHECKING:
    from onramp.orders.api import router as orders_router
    from onramp.orders.customer_emails import order_emails_consumer as order_emails_consumer
    from onramp.orders.customer_view import deposit_qr_payload as deposit_qr_payload
    from onramp.orders.customer_view import order_out as order_out
    from onramp.orders.holds.rescreen import UnpaidOrders as UnpaidOrders
    from onramp.orders.holds.review import HeldOrder as HeldOrder
    from onramp.orders.holds.review import held_orders as held_orders
    from onramp.orders.holds.review import orders_by_id as orders_by_id
    from onramp.orders.holds.review import reject_held as reject_held
    from onramp.orders.holds.review import release_held as release_held
    from onramp.orders.keyed_placement import PlacedOrder as PlacedOrder
    from onramp.orders.keyed_placement import place_order_once as place_order_once
    from onramp.orders.models import Order as Order
    from onramp.orders.placement.standing_reference_api import router as standing_reference_router
    from onramp.orders.queries import export_orders as export_orders
    from onramp.orders.queries import order_backlog as order_backlog
    from onramp.orders.queries import order_ids_of as order_ids_of
    from onramp.orders.schemas import OrderOut as OrderOut
    from onramp.orders.schemas import OrderRequest as OrderRequest
    from onramp.orders.screens.monitoring import MonitoringScreener as MonitoringScreener
    from onramp.orders.screens.sanctions import SanctionsScreener as SanctionsScreener
    from onramp.orders.screens.screening import Screener as Screener
    from onramp.orders.screens.screening import Screeners as Screeners
    from onramp.orders.staff.api import admin_order_out as admin_order_out
    from onramp.orders.staff.api import order_summary as order_summary
    from onramp.orders.staff.api import router as admin_router
    from onramp.orders.staff.operator_actions import REFUND as REFUND
    from onramp.orders.staff.operator_actions import RETRY_PAYOUT as RETRY_PAYOUT
    from onramp.orders.staff.operator_actions import (
        register_operator_approvals as register_operator_approvals,
    )
    from onramp.orders.staff.operator_actions import request_action as request_action
    from onramp.orders.staff.operator_actions import vault_paid_check as vault_paid_check
    from onramp.orders.staff.schemas import AdminOrderSummary as AdminOrderSummary
    from onramp.orders.staff.schemas import OperatorActionIn as OperatorActionIn
    from onramp.orders.staff.search import MAX_CURSOR_LENGTH as MAX_CURSOR_LENGTH
    from onramp.orders.staff.search import MAX_LIMIT as MAX_LIMIT
    from onramp.orders.staff.search import OrderSearch as OrderSearch
    from onramp.orders.staff.search import order_search as order_search
    from onramp.orders.staff.search import search_orders as search_orders
    from onramp.orders.steps.deposit_returns import UnspentOrderFunds as UnspentOrderFunds
    from onramp.orders.steps.expiry import expire_unpaid as expire_unpaid
    from onramp.orders.tier_limits.api import LimitsOut as LimitsOut
    from onramp.orders.tier_limits.api import limits_of as limits_of
    from onramp.orders.tier_limits.api import router as limits_router
    from onramp.orders.tier_limits.limits import usage as limits_usage
    from onramp.orders.travel.api import router as travel_rule_router
    from onramp.orders.travel.policy import TravelRulePolicy as TravelRulePolicy
    from onramp.orders.travel.policy import TravelRuleScreener as TravelRuleScreener
    from onramp.orders.worker import orders_consumer as orders_consumer

_LAZY = {
    "AdminOrderSummary": ("onramp.orders.staff.schemas", "AdminOrderSummary"),
    "HeldOrder": ("onramp.orders.holds.review", "HeldOrder"),
    "LimitsOut": ("onramp.orders.tier_limits.api", "LimitsOut"),
    "MAX_CURSOR_LENGTH": ("onramp.orders.staff.search", "MAX_CURSOR_LENGTH"),
    "MAX_LIMIT": ("onramp.orders.staff.search", "MAX_LIMIT"),
    "MonitoringScreener": ("onramp.orders.screens.monitoring", "MonitoringScreener"),
    "OperatorActionIn": ("onramp.orders.staff.schemas", "OperatorActionIn"),
    "Order": ("onramp.orders.models", "Order"),
    "OrderSearch": ("onramp.orders.staff.search", "OrderSearch"),
    "REFUND": ("onramp.orders.staff.operator_actions", "REFUND"),
    "RETRY_PAYOUT": ("onramp.orders.staff.operator_actions", "RETRY_PAYOUT"),
    "SanctionsScreener": ("onramp.orders.screens.sanctions", "SanctionsScreener"),
    "Screener": ("onramp.orders.screens.screening", "Screener"),
    "Screeners": ("onramp.orders.screens.screening", "Screeners"),
    "TravelRulePolicy": ("onramp.orders.travel.policy", "TravelRulePolicy"),
    "TravelRuleScreener": ("onramp.orders.travel.policy", "TravelRuleScreener"),
    "UnpaidOrders": ("onramp.orders.holds.rescreen", "UnpaidOrders"),
    "UnspentOrderFunds": ("onramp.orders.steps.deposit_returns", "UnspentOrderFunds"),
    "admin_order_out": ("onramp.orders.staff.api", "admin_order_out"),
    "admin_router": ("onramp.orders.staff.api", "router"),
    "expire_unpaid": ("onramp.orders.steps.expiry", "expire_unpaid"),
    "export_orders": ("onramp.orders.queries", "export_orders"),
    "held_orders": ("onramp.orders.holds.review", "held_orders"),
    "limits_of": ("onramp.orders.tier_limits.api", "limits_of"),
    "limits_router": ("onramp.orders.tier_limits.api", "router"),
    "order_backlog": ("onramp.orders.queries", "order_backlog"),
    "order_emails_consumer": ("onramp.orders.customer_emails", "order_emails_consumer"),
    "order_ids_of": ("onramp.orders.queries", "order_ids_of"),
    "order_out": ("onramp.orders.customer_view", "order_out"),
    "deposit_qr_payload": ("onramp.orders.customer_view", "deposit_qr_payload"),
    "order_search": ("onramp.orders.staff.search", "order_search"),
    "order_summary": ("onramp.orders.staff.api", "order_summary"),
    "orders_by_id": ("onramp.orders.holds.review", "orders_by_id"),
    "orders_consumer": ("onramp.orders.worker", "orders_consumer"),
    "orders_router": ("onramp.orders.api", "router"),
    "OrderOut": ("onramp.orders.schemas", "OrderOut"),
    "OrderRequest": ("onramp.orders.schemas", "OrderRequest"),
    "place_order_once": ("onramp.orders.keyed_placement", "place_order_once"),
    "PlacedOrder": ("onramp.orders.keyed_placement", "PlacedOrder"),
    "register_operator_approvals": (
        "onramp.orders.staff.operator_actions",
        "register_operator_approvals",
    ),
    "reject_held": ("onramp.orders.holds.review", "reject_held"),
    "release_held": ("onramp.orders.holds.review", "release_held"),
    "request_action": ("onramp.orders.staff.operator_actions", "request_action"),
    "search_orders": ("onramp.orders.staff.search", "search_orders"),
    "standing_reference_router": ("onramp.orders.placement.standing_reference_api", "router"),
    "travel_rule_router": ("onramp.orders.travel.api", "router"),
    "vault_paid_check": ("onramp.orders.staff.operator_actions", "vault_paid_check"),
    "limits_usage": ("onramp.orders.tier_limits.limits", "usage"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "AdminOrderSummary",
    "HeldOrder",
    "IllegalTransition",
    "LimitsOut",
    "MAX_CURSOR_LENGTH",
    "MAX_LIMIT",
    "MonitoringScreener",
    "OperatorActionIn",
    "Order",
    "OrderFilter",
    "OrderFilterInvalid",
    "OrderNotFound",
    "OrderOut",
    "OrderRequest",
    "OrderSearch",
    "OrderState",
    "PlacedOrder",
    "PricedOrder",
    "REFUND",
    "RETRY_PAYOUT",
    "SanctionsScreener",
    "Screener",
    "Screeners",
    "TERMINAL",
    "TRANSITIONS",
    "TravelRulePolicy",
    "TravelRuleScreener",
    "UnpaidOrders",
    "UnspentOrderFunds",
    "admin_order_out",
    "admin_router",
    "create_order",
    "customers_of",
    "deposit_qr_payload",
    "expire_unpaid",
    "export_orders",
    "get_order",
    "held_orders",
    "history_of",
    "limits_of",
    "limits_router",
    "limits_usage",
    "list_orders",
    "order_backlog",
    "order_emails_consumer",
    "order_ids_of",
    "order_out",
    "order_search",
    "order_summary",
    "orders_by_id",
    "orders_consumer",
    "orders_router",
    "place_order_once",
    "priced_between",
    "register_operator_approvals",
    "reject_held",
    "release_held",
    "request_action",
    "search_orders",
    "standing_reference_router",
    "travel_rule_router",
    "vault_paid_check",
]
