"""core/metrics.py: the thin calls the domains make move the process registry's series."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from onramp.core import metrics, metrics_processes
from onramp.core.clock import utcnow


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_order_move_counts_the_transition_and_times_the_stage_it_left() -> None:
    before = _value("onramp_order_transitions_total", from_state="priced", to_state="payout_queued")
    timed = _value("onramp_order_stage_seconds_count", stage="priced")
    slow = _value("onramp_order_stage_seconds_bucket", stage="priced", le="60.0")

    metrics.order_moved("priced", "payout_queued", utcnow() - timedelta(minutes=5))
    metrics.order_moved("priced", "payout_queued", None)  # no timestamp: counted, not timed

    after = _value("onramp_order_transitions_total", from_state="priced", to_state="payout_queued")
    assert after == before + 2
    assert _value("onramp_order_stage_seconds_count", stage="priced") == timed + 1
    # Five minutes is beyond the 60 s bucket: that bucket did not move.
    assert _value("onramp_order_stage_seconds_bucket", stage="priced", le="60.0") == slow


def test_a_failing_hsm_signature_is_counted_as_an_error_and_not_timed() -> None:
    errors = _value("onramp_hsm_sign_errors_total")
    timed = _value("onramp_hsm_sign_duration_seconds_count")

    with metrics.hsm_signing():
        pass
    with pytest.raises(RuntimeError), metrics.hsm_signing():
        raise RuntimeError("token gone")

    assert _value("onramp_hsm_sign_errors_total") == errors + 1
    assert _value("onramp_hsm_sign_duration_seconds_count") == timed + 1


def test_a_failed_login_counts_each_lockout_it_started_by_scope() -> None:
    failures = _value("onramp_login_failures_total")
    by_ip = _value("onramp_login_lockouts_total", scope="ip")

    metrics.login_failed([])
    metrics.login_failed(["ip"])

    assert _value("onramp_login_failures_total") == failures + 2
    assert _value("onramp_login_lockouts_total", scope="ip") == by_ip + 1


def test_the_exposition_is_prometheus_text() -> None:
    metrics.consumer_backlog("orders", pending=7, ack_pending=2)
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain; version=")
    assert b'onramp_jetstream_consumer_pending{consumer="orders"} 7.0' in body


def test_deposits_are_counted_by_outcome() -> None:
    matched = _value("onramp_deposits_matched_total", method="reference")
    held = _value("onramp_deposits_suspense_total", reason="unknown_reference")
    returned = _value("onramp_deposits_returned_total", status="booked")

    metrics.deposits_booked(["reference", "reference"], ["unknown_reference"])
    metrics.deposits_returned(["booked"])

    assert _value("onramp_deposits_matched_total", method="reference") == matched + 2
    assert _value("onramp_deposits_suspense_total", reason="unknown_reference") == held + 1
    assert _value("onramp_deposits_returned_total", status="booked") == returned + 1


def test_wallet_balances_are_summed_per_role_with_their_policy_bounds() -> None:
    metrics.wallet_liquidity(
        [
            ("safe_warm", 2_500_000, (1_000_000, 2_000_000, None)),
            ("safe_warm", 500_000, (None, 1_000_000, None)),
            ("vault_hot", 7_250_000, (None, None, None)),
        ]
    )
    assert _value("onramp_wallet_balance_usdc", role="safe_warm") == 3.0
    assert _value("onramp_wallet_balance_usdc", role="vault_hot") == 7.25
    assert _value("onramp_wallet_policy_usdc", role="safe_warm", bound="minimum") == 1.0
    assert _value("onramp_wallet_policy_usdc", role="safe_warm", bound="target") == 3.0
    # A bound nobody set is absent, not a 0 an alert would read as "below minimum".
    assert (
        metrics.REGISTRY.get_sample_value(
            "onramp_wallet_policy_usdc", {"role": "vault_hot", "bound": "minimum"}
        )
        is None
    )
    # Labels name roles, never addresses.
    exposition = metrics.exposition()[0].decode()
    assert "0x" not in exposition


def test_a_multiprocess_runs_processes_are_those_still_running_and_their_supervisor(
    tmp_path: Path,
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", ""])  # noqa: S603 - our own interpreter
    gone.wait()
    for name in (f"counter_{os.getpid()}.db", f"gauge_mostrecent_{os.getpid()}.db"):
        (tmp_path / name).touch()
    (tmp_path / f"histogram_{gone.pid}.db").touch()
    (tmp_path / metrics_processes.SUPERVISOR_FILE.format(pid=os.getppid())).touch()

    assert metrics_processes.serving_processes(str(tmp_path)) == {os.getpid(), os.getppid()}
