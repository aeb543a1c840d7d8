"""The order state machine: exactly the listed transitions are legal."""

from __future__ import annotations

import itertools

import pytest

from onramp.core.errors import Conflict
from onramp.orders.states import (
    TERMINAL,
    TRANSITIONS,
    IllegalTransition,
    OrderState,
    check_transition,
)

S = OrderState
ALLOWED = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
FORBIDDEN = sorted(
    (a, b) for a, b in itertools.product(OrderState, OrderState) if b not in TRANSITIONS[a]
)
HAPPY_PATH = [
    S.AWAITING_FUNDS,
    S.FUNDS_RECEIVED,
    S.SCREENING,
    S.PRICED,
    S.PAYOUT_QUEUED,
    S.PAYOUT_BROADCAST,
    S.COMPLETED,
]


def test_every_state_has_a_transition_row() -> None:
    assert set(TRANSITIONS) == set(OrderState)


def test_transition_table_is_nontrivial() -> None:
    # payout_queued -> manual_review: a sanctions hold before signing; manual_review ->
    # payout_queued: its release; payout_queued -> rejected: the deposit returned before the
    # payout was signed; payout_broadcast -> payout_queued: a batch reverted when mined;
    # failed -> payout_queued | rejected: the operator's retry or refund
    assert len(ALLOWED) == 21
    assert len(ALLOWED) + len(FORBIDDEN) == len(OrderState) ** 2


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions_pass(current: OrderState, target: OrderState) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_other_transitions_raise(current: OrderState, target: OrderState) -> None:
    with pytest.raises(IllegalTransition) as info:
        check_transition(current, target)
    assert info.value.code == "order_illegal_transition"
    assert isinstance(info.value, Conflict)
    assert str(current) in info.value.detail
    assert str(target) in info.value.detail


@pytest.mark.parametrize("state", list(OrderState))
def test_no_self_loops(state: OrderState) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(state, state)


def test_terminal_states() -> None:
    # A failed payout is not the end: operators retry it or refund the fiat (four-eyes).
    assert {S.COMPLETED, S.REFUNDED, S.EXPIRED} == TERMINAL


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_terminal_states_have_no_exits(state: OrderState) -> None:
    assert not TRANSITIONS[state]
    for target in OrderState:
        with pytest.raises(IllegalTransition):
            check_transition(state, target)


def test_every_state_is_reachable_from_awaiting_funds() -> None:
    seen = {S.AWAITING_FUNDS}
    frontier = [S.AWAITING_FUNDS]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(OrderState)


def test_nothing_leads_back_to_awaiting_funds() -> None:
    assert all(S.AWAITING_FUNDS not in targets for targets in TRANSITIONS.values())


def test_every_non_terminal_state_can_reach_a_terminal_state() -> None:
    for start in set(OrderState) - TERMINAL:
        seen, frontier = {start}, [start]
        while frontier:
            for target in TRANSITIONS[frontier.pop()]:
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert seen & TERMINAL, start


def test_happy_path() -> None:
    for current, target in itertools.pairwise(HAPPY_PATH):
        check_transition(current, target)


def test_happy_path_via_manual_review() -> None:
    check_transition(S.SCREENING, S.MANUAL_REVIEW)
    check_transition(S.MANUAL_REVIEW, S.PRICED)


@pytest.mark.parametrize(
    "path",
    [
        [S.SCREENING, S.REJECTED, S.REFUND_PENDING, S.REFUNDED],
        [S.MANUAL_REVIEW, S.REJECTED, S.REFUND_PENDING, S.REFUNDED],
        [S.AWAITING_FUNDS, S.EXPIRED],
        [S.PAYOUT_QUEUED, S.FAILED],
        [S.PAYOUT_BROADCAST, S.FAILED],
        [S.FAILED, S.PAYOUT_QUEUED, S.PAYOUT_BROADCAST, S.COMPLETED],  # retried
        [S.FAILED, S.REJECTED, S.REFUND_PENDING, S.REFUNDED],  # refunded
    ],
)
def test_side_exits(path: list[OrderState]) -> None:
    for current, target in itertools.pairwise(path):
        check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.AWAITING_FUNDS, S.COMPLETED),  # skipping everything
        (S.FUNDS_RECEIVED, S.PRICED),  # skipping screening
        (S.PRICED, S.COMPLETED),  # paid without a payout
        (S.REJECTED, S.REFUNDED),  # refunded without the refund
        (S.PAYOUT_BROADCAST, S.REJECTED),  # rejected after the money left
        (S.COMPLETED, S.REFUND_PENDING),
        (S.FAILED, S.COMPLETED),  # paid without a new attempt
        (S.FAILED, S.REFUND_PENDING),  # refunded without reversing the conversion
    ],
)
def test_notable_shortcuts_are_illegal(current: OrderState, target: OrderState) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(current, target)


def test_states_accept_their_string_values() -> None:
    check_transition(OrderState("awaiting_funds"), OrderState("funds_received"))
    with pytest.raises(ValueError, match="not_a_state"):
        OrderState("not_a_state")
