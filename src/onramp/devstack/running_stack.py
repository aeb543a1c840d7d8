"""The running dev stack: its parts, where they listen, the environment that points a process at
them and the table of supervised processes (the API, the workers, the vendor sandboxes)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onramp.chain import Deployment
from onramp.core.keys import Keyring
from onramp.core.restarts import RestartPolicy
from onramp.core.settings import (
    REPO_ROOT,
    Settings,
    stack_file,
)
from onramp.devstack.anvil import Anvil
from onramp.devstack.bank_sandbox import BankSandbox
from onramp.devstack.external_services import ExternalNats, ExternalPostgres
from onramp.devstack.issuer_sandbox import IssuerSandbox
from onramp.devstack.kyc_sandbox import KycSandbox
from onramp.devstack.mail_sandbox import MailSandbox
from onramp.devstack.nats import EmbeddedNats
from onramp.devstack.postgres import EmbeddedPostgres
from onramp.devstack.process import ManagedProcess, free_port, spawn
from onramp.devstack.softhsm import SoftHsmToken
from onramp.devstack.supervisor import Supervisor
from onramp.devstack.treasury_setup import (
    TreasurySetup,
)

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    pass


@dataclass
class Stack:
    state_dir: Path
    settings: Settings
    # Embedded, or the services ``onramp dev --services`` was given (devstack/external_services.py)
    postgres: EmbeddedPostgres | ExternalPostgres
    nats: EmbeddedNats | ExternalNats
    anvil: Anvil
    deployment: Deployment
    hsm: SoftHsmToken
    # The data keys, unwrapped once the stack made them (for code run in this process: tests).
    keyring: Keyring
    mail: MailSandbox
    bank: BankSandbox | None = None
    kyc: KycSandbox | None = None
    issuer: IssuerSandbox | None = None
    payout_address: str = ""  # the HSM key's address, holding the vault's payout role
    custody_address: str = ""  # the HSM key operating customers' UserWallets
    treasury: TreasurySetup | None = None  # the Safes (the cold one is the vault's admin)
    api_url: str = ""
    apps: dict[str, ManagedProcess] = field(default_factory=dict)
    # Each worker process's own /metrics, /healthz, /readyz port, by process name (kept over
    # restarts): ``worker-<name>`` runs one worker, ``workers-<group>`` a group of them.
    metrics_ports: dict[str, int] = field(default_factory=dict)
    # Which workers each worker process runs, by process name.
    hosted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Held while the process table changes: the supervisor's thread and a test's own restarts.
    lock: threading.RLock = field(default_factory=threading.RLock)
    supervisor: Supervisor | None = None
    ready: bool = False  # the API answered once and stack.json was first written

    def env(self) -> dict[str, str]:
        """``ONRAMP_*`` variables that point a process at this stack."""
        s = self.settings
        return {
            "ONRAMP_STATE_DIR": str(self.state_dir),
            "ONRAMP_DATABASE__URL": s.database.url,
            "ONRAMP_NATS__URL": s.nats.url,
            "ONRAMP_NATS__STREAM": s.nats.stream,
            "ONRAMP_NATS__SUBJECT_PREFIX": s.nats.subject_prefix,
            "ONRAMP_REDIS_URL": s.redis_url,
            "ONRAMP_CHAIN__RPC_URL": s.chain.rpc_url,
            "ONRAMP_CHAIN__USDC_ADDRESS": s.chain.usdc_address,
            "ONRAMP_CHAIN__VAULT_ADDRESS": s.chain.vault_address,
            "ONRAMP_CHAIN__WALLET_FACTORY_ADDRESS": s.chain.wallet_factory_address,
            "ONRAMP_AUTH__JWT_SECRET": s.auth.jwt_secret.get_secret_value(),
            "ONRAMP_AUTH__SECRETS_KEY": s.auth.secrets_key.get_secret_value(),
            "ONRAMP_FX__QUOTE_SIGNING_KEY": s.fx.quote_signing_key.get_secret_value(),
            "ONRAMP_ISSUER__API_KEY": s.issuer.api_key.get_secret_value(),
            "ONRAMP_BANKING__WEBHOOK_SECRET": s.banking.webhook_secret.get_secret_value(),
            "ONRAMP_BANKING__API_URL": s.banking.api_url,
            "ONRAMP_KYC__VENDOR_URL": s.kyc.vendor_url,
            "ONRAMP_KYC__WEBHOOK_SECRET": s.kyc.webhook_secret.get_secret_value(),
            "ONRAMP_ISSUER__API_URL": s.issuer.api_url,
            "ONRAMP_ISSUER__WEBHOOK_SECRET": s.issuer.webhook_secret.get_secret_value(),
            "ONRAMP_HSM__TOKEN_LABEL": s.hsm.token_label,
            "ONRAMP_HSM__USER_PIN": s.hsm.user_pin.get_secret_value(),
            "ONRAMP_HSM__SOFTHSM2_CONF": s.hsm.softhsm2_conf,
            "ONRAMP_CHAIN__SIGNER": s.chain.signer,
            "ONRAMP_CHAIN__PAYOUT_KEY_ID": s.chain.payout_key_id,
            "ONRAMP_TREASURY__EXECUTOR_SIGNER": s.treasury.executor_signer,
            "ONRAMP_TREASURY__EXECUTOR_KEY_ID": s.treasury.executor_key_id,
            "ONRAMP_TREASURY__CHECK_INTERVAL_SECONDS": str(s.treasury.check_interval_seconds),
            "ONRAMP_TREASURY_RISK__GUARDIAN_KEY_ID": s.treasury_risk.guardian_key_id,
            "ONRAMP_CUSTODY__SIGNER": s.custody.signer,
            "ONRAMP_CUSTODY__KEY_ID": s.custody.key_id,
            "SOFTHSM2_CONF": s.hsm.softhsm2_conf,
            "ONRAMP_NOTIFICATIONS__SMTP_HOST": s.notifications.smtp_host,
            "ONRAMP_NOTIFICATIONS__SMTP_PORT": str(s.notifications.smtp_port),
            "ONRAMP_BANKING__DROP_SETTLE_SECONDS": str(s.banking.drop_settle_seconds),
            "ONRAMP_BANKING__DROP_POLL_SECONDS": str(s.banking.drop_poll_seconds),
        } | ({"ONRAMP_BANKING__DROP_DIR": str(s.banking.drop_dir)} if s.banking.drop_dir else {})

    def web_urls(self) -> dict[str, str]:
        """The web UI the API process serves: the customer dashboard and the back office."""
        return {"app": f"{self.api_url}/app", "admin": f"{self.api_url}/admin"}

    def metrics_urls(self) -> dict[str, str]:
        """Each process's Prometheus endpoint: the API's and every worker process's."""
        return {"api": f"{self.api_url}/metrics"} | {
            name: f"http://127.0.0.1:{port}/metrics"
            for name, port in sorted(self.metrics_ports.items())
        }

    def describe(self) -> dict[str, Any]:
        return {
            "api": self.api_url,
            "web": self.web_urls(),
            "metrics": self.metrics_urls(),
            "workers": {name: list(workers) for name, workers in sorted(self.hosted.items())},
            "bank_sandbox": self.bank.url if self.bank else "",
            "kyc_sandbox": self.kyc.url if self.kyc else "",
            "issuer_sandbox": self.issuer.url if self.issuer else "",
            "mail_sandbox": self.mail.url,
            "smtp": f"{self.mail.smtp_host}:{self.mail.smtp_port}",
            "rpc": self.anvil.url,
            "nats": self.nats.url,
            "database": self.postgres.url(),
            "hsm": self.hsm.describe(),
            "payout_key": {
                "key_id": self.settings.chain.payout_key_id,
                "address": self.payout_address,
            },
            "executor_key": {
                "key_id": self.settings.treasury.executor_key_id,
                "address": self.treasury.executor if self.treasury else "",
            },
            "guardian_key": {
                "key_id": self.settings.treasury_risk.guardian_key_id,
                "address": self.treasury.guardian if self.treasury else "",
            },
            "custody_key": {
                "key_id": self.settings.custody.key_id,
                "address": self.custody_address,
            },
            "contracts": {
                "usdc": self.deployment.usdc,
                "vault": self.deployment.vault,
                "wallet_factory": self.deployment.wallet_factory,
            }
            | (
                {
                    "cold_safe": self.treasury.cold_safe,
                    "warm_safe": self.treasury.warm_safe,
                    "safe_singleton": self.treasury.safe_singleton,
                    "safe_proxy_factory": self.treasury.safe_proxy_factory,
                }
                if self.treasury
                else {}
            ),
            "pids": {
                "postgres": self.postgres.pid,
                "nats": self.nats.pid,
                "anvil": self.anvil.process.pid,
                **{name: p.pid for name, p in self.processes().items()},
            },
            "supervisor": self.supervisor.status() if self.supervisor else {},
        }

    # --- the supervised processes (supervisor.ProcessTable) ------------------------------------

    def _sandboxes(self) -> dict[str, MailSandbox | BankSandbox | KycSandbox | IssuerSandbox]:
        parts = {
            "mail_sandbox": self.mail,
            "bank_sandbox": self.bank,
            "kyc_sandbox": self.kyc,
            "issuer_sandbox": self.issuer,
        }
        return {name: part for name, part in parts.items() if part is not None}

    def processes(self) -> dict[str, ManagedProcess]:
        """The vendor sandboxes, the API and the workers by name, as running now."""
        with self.lock:
            sandboxes = {name: part.process for name, part in self._sandboxes().items()}
            return sandboxes | dict(self.apps)

    def replace(self, name: str, process: ManagedProcess) -> None:
        with self.lock:
            if name in self.apps:
                self.apps[name] = process
            else:
                self._sandboxes()[name].process = process

    def changed(self) -> None:
        # Not before the stack first answered: stack.json's existence means "ready" (a worker
        # restarted during start-up must not announce an API that is not listening yet).
        if self.ready:
            write_stack_file(self)

    def supervise(self, *, report: Progress = quiet) -> Supervisor:
        """Start the supervisor's thread (once); ``stop`` ends it before the processes."""
        with self.lock:
            if self.supervisor is None:
                policy = RestartPolicy.from_settings(self.settings.supervisor)
                self.supervisor = Supervisor(self, policy, report=report)
                self.supervisor.start()
            return self.supervisor

    def spawn_app(
        self,
        name: str,
        argv: list[str],
        extra_env: Mapping[str, str] | None = None,
        *,
        supervised: bool | None = None,
        own_env: Mapping[str, str] | None = None,
    ) -> ManagedProcess:
        """Start ``argv`` as the stack's ``name`` (stopping a live one of that name first).

        Supervised unless started with ``extra_env`` (a test's crash point or short timeout:
        the test watches it) or told otherwise; a restart always runs the stack's own
        environment, without ``extra_env`` (``own_env``, the process's own, stays)."""
        own = dict(own_env or {})
        env = self.env() | own | dict(extra_env or {})
        log_dir = self.state_dir / "logs"

        def again() -> ManagedProcess:
            return spawn(name, argv, log_dir=log_dir, env=self.env() | own, cwd=REPO_ROOT)

        with self.lock:
            previous = self.apps.get(name)
            if previous is not None and previous.alive():
                previous.stop()  # one process per name: none left running unowned
            process = spawn(name, argv, log_dir=log_dir, env=env, cwd=REPO_ROOT)
            process.respawn = again
            process.supervised = not extra_env if supervised is None else supervised
            self.apps[name] = process
        return process

    def spawn_worker(
        self,
        name: str,
        extra_env: Mapping[str, str] | None = None,
        *,
        supervised: bool | None = None,
    ) -> ManagedProcess:
        """``onramp worker <name>``: one worker, its own process ``worker-<name>``."""
        return self._spawn_host(f"worker-{name}", [name], (name,), extra_env, supervised)

    def spawn_group(
        self,
        group: str,
        workers: tuple[str, ...],
        extra_env: Mapping[str, str] | None = None,
        *,
        supervised: bool | None = None,
        replica: int = 1,
    ) -> ManagedProcess:
        """``onramp worker --group <group>``: its ``workers`` as tasks of one process,
        ``workers-<group>`` (``workers-<group>-<n>`` for the ``n``-th replica, as a cluster
        runs several of each)."""
        name = f"workers-{group}" if replica == 1 else f"workers-{group}-{replica}"
        return self._spawn_host(name, ["--group", group], workers, extra_env, supervised)

    def _spawn_host(
        self,
        process_name: str,
        args: list[str],
        workers: tuple[str, ...],
        extra_env: Mapping[str, str] | None,
        supervised: bool | None,
    ) -> ManagedProcess:
        with self.lock:  # its metrics port, chosen once: Prometheus scrapes it across restarts
            port = self.metrics_ports.setdefault(process_name, free_port())
            self.hosted[process_name] = workers
        return self.spawn_app(
            process_name,
            [sys.executable, "-m", "onramp", "worker", *args],
            extra_env,
            supervised=supervised,
            own_env={"ONRAMP_WORKER__METRICS_PORT": str(port)},
        )

    def worker_url(self, name: str) -> str:
        """Where the process running worker ``name`` serves /metrics, /healthz and /readyz (its
        own ``worker-<name>`` if spawned alone, else its group's)."""
        with self.lock:
            process = f"worker-{name}"
            if process not in self.metrics_ports:
                process = next(p for p, workers in self.hosted.items() if name in workers)
            return f"http://127.0.0.1:{self.metrics_ports[process]}"

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()  # nothing is restarted while the stack goes down
            self.supervisor = None
        with self.lock:
            for process in reversed(list(self.apps.values())):
                process.stop()
            self.apps.clear()
        parts = (self.issuer, self.kyc, self.bank, self.mail, self.anvil, self.nats, self.postgres)
        for part in parts:
            if part is not None:
                part.stop()
        stack_file(self.state_dir).unlink(missing_ok=True)


def write_stack_file(stack: Stack) -> None:
    """``stack.json``: where each part listens and the pid running it now."""
    path = stack_file(stack.state_dir)
    tmp = path.with_suffix(".tmp")
    with stack.lock:
        tmp.write_text(json.dumps(stack.describe(), indent=2) + "\n")
        tmp.replace(path)
