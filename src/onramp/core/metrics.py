"""The process's Prometheus metrics: one registry per process (the API's ``GET /metrics``, each
worker's own endpoint, ``runtime/workers/health.py``), and the thin calls the domains make as
money moves. Only this module, core/metrics_processes.py and the two endpoints import
``prometheus_client``: a domain calls ``metrics.order_moved(...)``, never a counter.

An API served by several processes (``onramp api --workers N``, runtime/api_processes.py) runs
in prometheus_client's multiprocess mode (core/metrics_processes.py): ``exposition`` then reads
every process's values, so whichever process answers a scrape shows the counters summed over
all of them. Each gauge says how its processes' values combine (``multiprocess_mode``).

Names follow Prometheus' conventions: the ``onramp_`` prefix, base units (seconds), ``_total``
on counters, no unbounded label values (no ids). docs/observability.md lists them.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from onramp.core import tracing
from onramp.core.certificates import certificate_expiries
from onramp.core.clock import utcnow
from onramp.core.metrics_processes import MULTIPROCESS_DIR, every_process_page

REGISTRY = CollectorRegistry()
if not MULTIPROCESS_DIR:  # several processes: exposition() sums theirs
    ProcessCollector(registry=REGISTRY)  # memory, CPU, open files of this process


def _counter(name: str, what: str, labels: Sequence[str] = ()) -> Counter:
    return Counter(name, what, labels, registry=REGISTRY)


def _gauge(name: str, what: str, labels: Sequence[str] = ()) -> Gauge:
    """Every gauge here is a reading of shared state (a balance, a backlog, a tick's time):
    with several processes, the one set last is the value."""
    return Gauge(name, what, labels, registry=REGISTRY, multiprocess_mode="mostrecent")


def _histogram(
    name: str, what: str, labels: Sequence[str] = (), *, buckets: Sequence[float]
) -> Histogram:
    return Histogram(name, what, labels, buckets=buckets, registry=REGISTRY)


# Seconds an order may spend in one stage: from a second (the workers) to days (a review).
_STAGE_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600, 4 * 3600, 86400, 3 * 86400)
_COUNT_BUCKETS = (1, 2, 3, 5, 10, 20, 50, 100, 200)
_FAST_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

ORDER_TRANSITIONS = _counter(
    "onramp_order_transitions_total",
    "Orders moved from one state to another",
    ["from_state", "to_state"],
)
ORDER_STAGE = _histogram(
    "onramp_order_stage_seconds",
    "Time an order spent in a stage (the state it left), from its timestamps",
    ["stage"],
    buckets=_STAGE_BUCKETS,
)
SCREENING_DECISIONS = _counter(
    "onramp_screening_decisions_total",
    "Screening findings recorded, by screening point and decision",
    ["point", "decision"],
)
PAYOUT_BATCH = _histogram(
    "onramp_payout_batch_size",
    "Payouts in each signed vault transaction",
    buckets=_COUNT_BUCKETS,
)
PAYOUT_GAS = _histogram(
    "onramp_payout_gas_used",
    "Gas used by each mined payout transaction (units of gas)",
    buckets=tuple(n * 1000 for n in (50, 100, 200, 500, 1000, 2000, 5000, 10_000)),
)
CONFIRMATION_BLOCKS = _histogram(
    "onramp_payout_confirmation_lag_blocks",
    "Blocks between a payout transaction's block and the head when it counted as confirmed",
    buckets=_COUNT_BUCKETS,
)
CONFIRMATION_SECONDS = _histogram(
    "onramp_payout_confirmation_lag_seconds",
    "Time from a payout transaction's broadcast to its confirmation",
    buckets=_STAGE_BUCKETS,
)
TX_REPLACED = _counter(
    "onramp_chain_transactions_replaced_total",
    "Stuck transactions replaced with higher fees, by sender (payout, withdrawal, ...)",
    ["sender"],
)
HSM_SIGN = _histogram(
    "onramp_hsm_sign_duration_seconds",
    "Time the HSM took to sign one hash",
    buckets=_FAST_BUCKETS,
)
HSM_SIGN_ERRORS = _counter("onramp_hsm_sign_errors_total", "HSM signing attempts that failed")
OUTBOX_LAG = _histogram(
    "onramp_outbox_publish_lag_seconds",
    "Time from an event's commit to the outbox to its publication on JetStream",
    buckets=_FAST_BUCKETS,
)
CONSUMER_PENDING = _gauge(
    "onramp_jetstream_consumer_pending",
    "Messages on the stream the durable consumer has not been delivered yet",
    ["consumer"],
)
CONSUMER_ACK_PENDING = _gauge(
    "onramp_jetstream_consumer_ack_pending",
    "Messages delivered to the durable consumer and not acknowledged yet",
    ["consumer"],
)
RATE_LIMITED = _counter(
    "onramp_rate_limit_refusals_total",
    "Requests refused with 429, by route class and scope (ip, user, key)",
    ["route_class", "scope"],
)
LOGIN_FAILURES = _counter(
    "onramp_login_failures_total", "Failed logins (a wrong email or password)"
)
LOGIN_LOCKOUTS = _counter(
    "onramp_login_lockouts_total",
    "Lockouts started after failed logins, by scope (account, ip)",
    ["scope"],
)
DEPOSITS_MATCHED = _counter(
    "onramp_deposits_matched_total",
    "Deposits booked to a customer, by how they were tied to them (reference, "
    "standing_reference, sender_account, operator, ...)",
    ["method"],
)
DEPOSITS_SUSPENSE = _counter(
    "onramp_deposits_suspense_total",
    "Deposits booked to suspense for a person to decide, by reason (unknown_reference, ...)",
    ["reason"],
)
DEPOSITS_RETURNED = _counter(
    "onramp_deposits_returned_total",
    "Deposits the bank took back (returns, recalls), by how the reversal was settled "
    "(booked, review, unknown)",
    ["status"],
)
WALLET_BALANCE = _gauge(
    "onramp_wallet_balance_usdc",
    "USDC held by each treasury wallet role (vault, warm, cold, ...), as the treasury worker "
    "last read it",
    ["role"],
)
WALLET_POLICY = _gauge(
    "onramp_wallet_policy_usdc",
    "The liquidity policy's bounds for each wallet role (bound: minimum, target, maximum)",
    ["role", "bound"],
)
BREAKER_OPEN = _gauge(
    "onramp_circuit_breaker_open",
    "1 while the payouts' circuit breaker is not closed (tripped or resuming), as the risk "
    "worker last read it",
)
WORKER_TICK = _gauge(
    "onramp_worker_last_tick_timestamp_seconds",
    "When the worker's loop last went round (Unix time), by worker (a host runs several)",
    ["worker"],
)
WORKER_RESTARTS = _counter(
    "onramp_worker_task_restarts_total",
    "Workers started again inside their host process after they raised or returned",
    ["worker"],
)


def scrape_allowed(authorization: str | None, token: str) -> bool:
    """Whether a request with this ``Authorization`` header may read the metrics: always without
    a token configured, else only with ``Bearer <token>`` (compared in constant time)."""
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


def exposition() -> tuple[bytes, str]:
    """The registry in Prometheus' text format, and its content type; in multiprocess mode,
    every process's values (summed, gauges as their mode says) and this process's collectors
    that read at scrape time (the certificates)."""
    if not MULTIPROCESS_DIR:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    return every_process_page(MULTIPROCESS_DIR, _certificates), CONTENT_TYPE_LATEST


def _since(start: datetime | None, now: datetime) -> float | None:
    return max(0.0, (now - start).total_seconds()) if start is not None else None


def order_moved(from_state: str, to_state: str, entered: datetime | None) -> None:
    """An order left ``from_state`` (entered at ``entered``, when known) for ``to_state``."""
    ORDER_TRANSITIONS.labels(from_state, to_state).inc()
    spent = _since(entered, utcnow())
    if spent is not None:
        ORDER_STAGE.labels(from_state).observe(spent)


def screened(point: str, decision: str) -> None:
    SCREENING_DECISIONS.labels(point, decision).inc()


def payout_batch_signed(size: int) -> None:
    PAYOUT_BATCH.observe(size)


def payout_mined(gas_used: int, broadcast_at: datetime | None) -> None:
    PAYOUT_GAS.observe(gas_used)
    lag = _since(broadcast_at, utcnow())
    if lag is not None:
        CONFIRMATION_SECONDS.observe(lag)


def payout_confirmed_at_depth(blocks: int) -> None:
    CONFIRMATION_BLOCKS.observe(blocks)


def transaction_replaced(sender: str) -> None:
    TX_REPLACED.labels(sender).inc()


@contextmanager
def hsm_signing() -> Iterator[None]:
    """Times one HSM signature (a span too, when tracing); counts it as an error when the
    block raises."""
    started = time.perf_counter()
    try:
        with tracing.span("hsm.sign"):
            yield
    except BaseException:
        HSM_SIGN_ERRORS.inc()
        raise
    HSM_SIGN.observe(time.perf_counter() - started)


def outbox_published(created: list[datetime]) -> None:
    now = utcnow()
    for at in created:
        OUTBOX_LAG.observe(max(0.0, (now - at).total_seconds()))


def consumer_backlog(consumer: str, *, pending: int, ack_pending: int) -> None:
    CONSUMER_PENDING.labels(consumer).set(pending)
    CONSUMER_ACK_PENDING.labels(consumer).set(ack_pending)


def rate_limited(route_class: str, scope: str) -> None:
    RATE_LIMITED.labels(route_class, scope).inc()


def login_failed(lockouts: list[str]) -> None:
    """A failed login, and the scopes (``account``, ``ip``) it locked."""
    LOGIN_FAILURES.inc()
    for scope in lockouts:
        LOGIN_LOCKOUTS.labels(scope).inc()


def deposits_booked(matched: Sequence[str], suspense: Sequence[str]) -> None:
    """A matching batch's deposits: each matched one's method, each held one's reason."""
    for method in matched:
        DEPOSITS_MATCHED.labels(method).inc()
    for reason in suspense:
        DEPOSITS_SUSPENSE.labels(reason).inc()


def deposits_returned(statuses: Sequence[str]) -> None:
    for status in statuses:
        DEPOSITS_RETURNED.labels(status).inc()


USDC_UNIT = 10**6
Bounds = tuple[int | None, int | None, int | None]  # minimum, target, maximum (base units)


def wallet_liquidity(wallets: Sequence[tuple[str, int, Bounds]]) -> None:
    """Each wallet role's USDC and its policy's bounds, summed over the role's wallets (a role
    is the wallet's kind and tier, e.g. ``vault_hot``: never an address). A bound no wallet of
    the role sets is left out rather than reported as 0."""
    balances: dict[str, int] = {}
    bounds: dict[tuple[str, str], int] = {}
    for role, balance, (minimum, target, maximum) in wallets:
        balances[role] = balances.get(role, 0) + balance
        for name, bound in (("minimum", minimum), ("target", target), ("maximum", maximum)):
            if bound is not None:
                bounds[role, name] = bounds.get((role, name), 0) + bound
    for role, balance in balances.items():
        WALLET_BALANCE.labels(role).set(balance / USDC_UNIT)
    for (role, name), bound in bounds.items():
        WALLET_POLICY.labels(role, name).set(bound / USDC_UNIT)


def breaker_state(closed: bool) -> None:
    BREAKER_OPEN.set(0 if closed else 1)


def loop_ticked(worker: str) -> None:
    WORKER_TICK.labels(worker).set(time.time())


def worker_restarted(worker: str) -> None:
    WORKER_RESTARTS.labels(worker).inc()


class _CertificateCollector(Collector):
    """Seconds until each configured certificate expires, read at each scrape."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = dict(files)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        left = GaugeMetricFamily(
            "onramp_certificate_expiry_seconds",
            "Seconds until the configured certificate expires (negative once expired)",
            labels=["name"],
        )
        readable = GaugeMetricFamily(
            "onramp_certificate_readable",
            "1 when the configured certificate file could be read, 0 when not",
            labels=["name"],
        )
        now = utcnow()
        for found in certificate_expiries(self.files):
            seconds = found.seconds_left(now)
            readable.add_metric([found.name], 0.0 if seconds is None else 1.0)
            if seconds is not None:
                left.add_metric([found.name], seconds)
        yield left
        yield readable


_certificates = _CertificateCollector({})
REGISTRY.register(_certificates)


def watch_certificates(files: Mapping[str, Path]) -> None:
    """Export the expiry of ``files`` (``ONRAMP_METRICS__CERTIFICATES``) from now on; called
    once per process at start (again: the new files replace the old)."""
    _certificates.files = dict(files)
