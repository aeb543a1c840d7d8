"""Customers read no compliance finding in their order's history (no tipping off)."""

from __future__ import annotations

from onramp.orders.customer_view import customer_reason


def test_holds_and_decisions_read_as_a_review() -> None:
    finding = "destination is the sanctioned ETH address 0xdcbe… of Semenov, Roman (44718)"
    assert customer_reason("screening", "manual_review", finding) == "held for a compliance review"
    assert customer_reason("payout_queued", "manual_review", finding) == (
        "held for a compliance review"
    )
    assert customer_reason("manual_review", "rejected", "compliance: SAR filed") == (
        "rejected after a compliance review"
    )
    assert customer_reason("manual_review", "payout_queued", "released by compliance: ok") == (
        "released after a compliance review"
    )
    assert customer_reason("screening", "rejected", "rule R7: structuring 3 x 9,900") == (
        "rejected by our checks; the funds are returned"
    )


def test_other_steps_keep_their_reason() -> None:
    assert customer_reason("manual_review", "priced", "firm quote") == "firm quote"
    assert customer_reason(None, "awaiting_funds", "order created") == "order created"
    assert customer_reason("rejected", "refund_pending", "refund of the received funds") == (
        "refund of the received funds"
    )
    assert customer_reason("refund_pending", "refunded", "refunded to the sending account") == (
        "refunded to the sending account"
    )


def test_an_operators_way_out_reads_plainly() -> None:
    note = "payout retried by operators (four-eyes): recipient delisted, called the customer"
    assert customer_reason("failed", "payout_queued", note) == "the payout is being sent again"
    assert customer_reason("failed", "rejected", "refunded by operators (four-eyes): x") == (
        "the payout could not be made; the funds are returned"
    )
