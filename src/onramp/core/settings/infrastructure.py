"""Settings of the services every process connects to: PostgreSQL, NATS, the HSM, SMTP,
outbound webhooks and the dev stack's supervisor."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from onramp.core.settings.base import REPO_ROOT, Section


class DatabaseSettings(Section):
    url: str = ""
    pool_size: int = 10
    max_overflow: int = 10
    echo: bool = False


class NatsSettings(Section):
    url: str = ""
    stream: str = "ONRAMP"
    # Copies of the stream JetStream keeps when it creates it: 3 on a three-server cluster, so a
    # lost server loses no event (deploy/k8s/nats-values.yaml); 1 for a single server.
    replicas: int = Field(1, ge=1, le=5)
    # Put in front of every subject on the wire (``acme.`` -> ``acme.onramp.orders…``), so two
    # onramp installations (with two stream names) can share one NATS account; empty: none.
    subject_prefix: str = Field(default="", max_length=60, pattern=r"^([a-z0-9_-]+\.)*$")
    # How long JetStream waits for a consumer's ack before it delivers the message again (a
    # consumer that died mid-batch gets it back after this): longer than a slow batch takes.
    # The fault simulator's stack shortens it: every crash before an ack waits it out.
    ack_wait_seconds: float = Field(30.0, gt=0, le=3600)


class HsmSettings(Section):
    """The PKCS#11 token that holds the key-encryption keys (SoftHSM2 in the dev stack).

    No PIN by default: the dev stack initialises its own token and hands its PIN over (env and
    ``stack.json``); anywhere else the operator sets ``ONRAMP_HSM__USER_PIN``, and a process
    without one refuses to start rather than fall back to a well-known PIN.
    """

    module_path: Path = Path("/usr/lib/softhsm/libsofthsm2.so")
    token_label: str = "onramp"  # noqa: S105 - a label, not a secret
    user_pin: SecretStr = SecretStr("")
    # KEK versions are labelled "<kek_label>-v<n>"; the highest one wraps new data keys.
    kek_label: str = "onramp-kek"
    # SoftHSM2 only: its configuration file (exported as SOFTHSM2_CONF before the module loads).
    softhsm2_conf: str = ""
    # How often a running API looks for data keys created by another process.
    keyring_refresh_seconds: float = Field(default=30.0, gt=0)


class NotificationSettings(Section):
    """Outgoing email over SMTP: the dev stack's mail sandbox locally, a provider's SMTP relay
    (with STARTTLS and credentials) in production."""

    smtp_host: str = ""
    smtp_port: int = Field(default=0, ge=0, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    from_address: str = "onramp <no-reply@onramp.localhost>"
    # Links in emails (verify, reset) point here: the web UI that posts the token to the API.
    public_base_url: str = "http://127.0.0.1:8000"
    # A message failing temporarily is retried with backoff, then given up on (status failed).
    max_attempts: int = Field(default=8, ge=1)
    email_verification_ttl_seconds: int = Field(default=48 * 3600, ge=60)
    password_reset_ttl_seconds: int = Field(default=3600, ge=60)
    email_change_ttl_seconds: int = Field(default=24 * 3600, ge=60)


class MetricsSettings(Section):
    """Who may read ``/metrics`` (the API's and each worker's): with a token set, only a scraper
    that sends ``Authorization: Bearer <token>``. Empty (the development default): anyone who
    can reach the port; production refuses it unset (the figures are the business's volumes)."""

    token: SecretStr = SecretStr("")
    # Certificates whose expiry is watched (core/certificates.py): name → PEM file, e.g.
    # ``'{"ingress": "/etc/onramp/tls/tls.crt"}'``. Each process exports
    # ``onramp_certificate_expiry_seconds{name}``; the ``certificate_expiry`` alert reads them.
    certificates: dict[str, Path] = Field(default_factory=dict)


class OtelSettings(Section):
    """OpenTelemetry traces (core/tracing.py), exported over OTLP/HTTP to ``endpoint`` (the
    collector's base URL, e.g. ``http://otel-collector:4318``). Empty: the standard
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` decides; neither set, no spans are recorded."""

    endpoint: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    # The share of new traces recorded; a trace begun upstream keeps the caller's decision.
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


class WorkerSettings(Section):
    """Each worker process's own HTTP endpoint (``/metrics``, ``/healthz``, ``/readyz``:
    runtime/workers/health.py). Port 0: none (the dev stack gives each worker a free port)."""

    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # /healthz answers 503 once the worker's loop has not gone round for this long.
    stale_after_seconds: float = Field(default=120.0, gt=0)
    # Each readiness check (database, NATS, RPC, HSM) gets at most this long.
    check_timeout_seconds: float = Field(default=3.0, gt=0)
    # A single writer's lease (core/leases.py): renewed every third of it; a replica that
    # stopped renewing is replaced after at most this long.
    lease_seconds: float = Field(default=15.0, ge=1)
    # After SIGTERM the hosted workers finish the batch in hand within this long, else they
    # are cancelled and the host exits non-zero (below Kubernetes' 60 s grace period).
    grace_seconds: float = Field(default=45.0, gt=0)


class WebhookSettings(Section):
    """Outbound webhooks to customers' endpoints (``webhooks/``).

    ``allow_private`` lets an endpoint be plain http and resolve to a loopback or private address
    (the dev stack's and the tests' local receivers); production refuses it, so there every
    endpoint is https and public (link-local, multicast and reserved addresses never are).
    """

    allow_private: bool = True
    # Attempts, each after the last failed one, doubling from the first: 30 s ... about a day.
    max_attempts: int = Field(default=12, ge=1, le=30)
    first_retry_seconds: float = Field(default=30.0, gt=0)
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # An endpoint whose deliveries all failed for this long is disabled (its owner is emailed).
    disable_after_seconds: int = Field(default=5 * 24 * 3600, ge=60)
    max_endpoints_per_customer: int = Field(default=10, ge=1, le=100)


class SupervisorSettings(Section):
    """How ``onramp dev`` (and the test stack) restart a process that died, and a worker host
    one of its workers: after ``backoff_initial_seconds``, doubling up to
    ``backoff_max_seconds``; once ``max_deaths`` deaths fall within ``window_seconds`` it gives
    up on that process (the rest keep running), and a host exits non-zero."""

    max_deaths: int = Field(default=5, ge=1)
    window_seconds: float = Field(default=60.0, gt=0)
    backoff_initial_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)


class DevSettings(Section):
    """``onramp dev``: ``worker_groups`` runs the workers as a few hosts of several workers each
    (runtime/workers/groups.py) instead of one process per worker (false); ``services`` (as
    ``--services``) runs them on the PostgreSQL, NATS and Redis that ``ONRAMP_DATABASE__URL``,
    ``ONRAMP_NATS__URL`` and ``ONRAMP_REDIS_URL`` name instead of embedded ones."""

    worker_groups: bool = True
    # The docs site `make docs` builds (mkdocs.yml), served by the API at /handbook while the
    # directory exists (a checkout that ran `make docs`; an image has none: /handbook is 404).
    handbook_dir: Path = REPO_ROOT / "site"
    services: bool = False
    # The embedded PostgreSQL's continuous WAL archive (docs/runbooks/backup-restore.md): every
    # finished WAL segment is copied here, for `onramp backup recover` to replay onto a base
    # backup. Unset: no archiving. Keep it off the data directory's disk.
    wal_archive_dir: Path | None = None
    # The backup key (`onramp backup keygen`) each archived segment is sealed with
    # (`onramp backup wal-push`). Unset: segments are copied in the clear.
    wal_archive_key_file: Path | None = None
    # A segment is closed (and archived) at least this often while anything is written: the
    # most committed work a lost disk can take with it. Each close archives a whole 16 MiB.
    archive_timeout_seconds: int = Field(default=60, ge=1, le=3600)
