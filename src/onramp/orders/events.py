from onramp.core.events import subject_for

SOURCE = "onramp/orders"


def order_subject(state: str) -> str:
    """Each state an order enters is announced as ``onramp.orders.<state>.v1``."""
    return subject_for("orders", state)


ORDER_CREATED = order_subject("awaiting_funds")
ORDER_COMPLETED = order_subject("completed")
