"""The treasury's payout limits, decided in queue order without a database."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from onramp.core.settings import TreasuryRiskSettings
from onramp.treasury.risk_limits import Candidate, RiskLimits, Usage, evaluate, usdc_units
from onramp.treasury.risk_monitor import TripPolicy, vault_break

U = 10**6
LIMITS = RiskLimits(
    max_per_payout=1_000 * U,
    max_per_customer_24h=1_500 * U,
    max_total_24h=3_000 * U,
    max_hot_exposure=2_500 * U,
)
ALICE, BOB = uuid.uuid4(), uuid.uuid4()
NOTHING_USED = Usage(total_24h=0, per_customer_24h={}, in_flight=0)


def _c(customer: uuid.UUID | None, usdc: int, *, released: bool = False) -> Candidate:
    return Candidate(uuid.uuid4(), customer, usdc * U, released)


def test_payouts_within_every_limit_all_go() -> None:
    batch = [_c(ALICE, 500), _c(BOB, 500)]
    result = evaluate(LIMITS, NOTHING_USED, batch)
    assert result.allowed == batch
    assert not result.held
    assert not result.deferred


def test_a_payout_above_the_per_payout_limit_is_held_with_its_evidence() -> None:
    big = _c(ALICE, 1_001)
    result = evaluate(LIMITS, NOTHING_USED, [big, _c(BOB, 10)])
    reason, evidence = result.held[big.order_id]
    assert "per-payout limit" in reason
    assert evidence == {
        "kind": "treasury_limit",
        "limit": "per_payout",
        "limit_usdc": "1000.000000",
        "used_usdc": "0.000000",
        "amount_usdc": "1001.000000",
    }
    assert [c.customer_id for c in result.allowed] == [BOB]  # the batch goes on


def test_the_per_customer_limit_counts_earlier_payouts_of_the_same_batch() -> None:
    first, second, other = _c(ALICE, 1_000), _c(ALICE, 600), _c(BOB, 600)
    result = evaluate(LIMITS, NOTHING_USED, [first, second, other])
    assert result.allowed == [first, other]
    assert result.held[second.order_id][1]["limit"] == "per_customer_24h"
    assert result.held[second.order_id][1]["used_usdc"] == "1000.000000"


def test_the_per_customer_limit_counts_the_last_24_hours() -> None:
    usage = Usage(total_24h=0, per_customer_24h={ALICE: 1_400 * U}, in_flight=0)
    late = _c(ALICE, 101)
    assert evaluate(LIMITS, usage, [late]).held[late.order_id][1]["limit"] == "per_customer_24h"
    assert evaluate(LIMITS, usage, [_c(ALICE, 100)]).allowed  # exactly at the limit: allowed


def test_the_total_24h_limit_holds_whatever_the_customer() -> None:
    usage = Usage(total_24h=2_900 * U, per_customer_24h={}, in_flight=0)
    payout = _c(BOB, 101)
    assert evaluate(LIMITS, usage, [payout]).held[payout.order_id][1]["limit"] == "total_24h"


def test_hot_exposure_defers_until_in_flight_payouts_confirm() -> None:
    usage = Usage(total_24h=0, per_customer_24h={}, in_flight=2_000 * U)
    waits, fits = _c(ALICE, 600), _c(BOB, 400)
    result = evaluate(LIMITS, usage, [waits, fits])
    assert result.deferred == {waits.order_id}
    assert result.allowed == [fits]
    assert not result.held


def test_a_payout_larger_than_the_whole_exposure_limit_is_held_not_deferred_forever() -> None:
    limits = RiskLimits(
        max_per_payout=10_000 * U,
        max_per_customer_24h=10_000 * U,
        max_total_24h=10_000 * U,
        max_hot_exposure=2_500 * U,
    )
    payout = _c(ALICE, 3_000)
    result = evaluate(limits, NOTHING_USED, [payout])
    assert result.held[payout.order_id][1]["limit"] == "hot_exposure"


def test_a_released_payout_is_not_held_again_but_still_counts() -> None:
    released, after = _c(ALICE, 1_200, released=True), _c(ALICE, 400)
    result = evaluate(LIMITS, NOTHING_USED, [released, after])
    assert result.allowed == [released]
    assert result.held[after.order_id][1]["limit"] == "per_customer_24h"


def test_limits_come_from_settings_in_base_units() -> None:
    limits = RiskLimits.from_settings(TreasuryRiskSettings(max_per_payout_usdc=Decimal("0.5")))
    assert limits.max_per_payout == 500_000
    with pytest.raises(ValueError, match="6 decimals"):
        usdc_units(Decimal("0.0000001"))


POLICY = TripPolicy.from_settings(TreasuryRiskSettings(reconciliation_break_usdc=Decimal(100)))


def test_a_vault_gap_covered_by_payouts_in_flight_is_no_break() -> None:
    assert vault_break(POLICY, booked=1_000 * U, on_chain=500 * U, in_flight=450 * U) is None


def test_a_vault_gap_beyond_in_flight_and_threshold_is_a_break() -> None:
    found = vault_break(POLICY, booked=1_000 * U, on_chain=400 * U, in_flight=450 * U)
    assert found is not None
    assert found.trigger == "reconciliation_break"
    assert found.evidence["chain_usdc"] == "400.000000"


def test_more_on_chain_than_booked_beyond_the_threshold_is_a_break() -> None:
    assert vault_break(POLICY, booked=0, on_chain=101 * U, in_flight=0) is not None
    assert vault_break(POLICY, booked=0, on_chain=100 * U, in_flight=0) is None
