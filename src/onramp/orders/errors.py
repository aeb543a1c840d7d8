from __future__ import annotations

from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    title = "Order not found"


class IdentityNotVerified(Forbidden):
    code = "kyc_required"
    title = "Verify your identity (POST /v1/me/kyc) before placing orders"
    public_extra = frozenset({"tier"})


class OrderLimitExceeded(InvalidInput):
    # Extensions say which window, the limit, what is used and what remains (EUR-equivalent).
    code = "order_limit_exceeded"
    title = "This order would exceed your verification tier's limit"
    public_extra = frozenset({"tier", "window", "limit_eur", "used_eur", "remaining_eur"})


class OrderNotRetryable(Conflict):
    code = "order_not_retryable"
    title = "Only a failed order whose payout ended unpaid can have its payout retried"


class OrderNotRefundable(Conflict):
    code = "order_not_refundable"
    title = "Only a failed order whose payout ended unpaid can be refunded here"


class PayoutAlreadyPaid(Conflict):
    # The vault's isPaid: the USDC went out, so neither a new attempt nor a refund is owed.
    code = "payout_already_paid"
    title = "The vault already paid this order on-chain"


class OrderActionPending(Conflict):
    code = "order_action_pending"
    title = "A retry or refund of this order already waits for a second person"


class OrderSearchInvalid(InvalidInput):
    code = "order_search_invalid"
    title = "The order search parameters are not valid"


class OrderCursorInvalid(InvalidInput):
    code = "cursor_invalid"
    title = "The cursor is not one this search returned"


class OrderFilterInvalid(InvalidInput):
    code = "order_filter_invalid"
    title = "The orders cannot be filtered so"
