"""The whole system on one machine: embedded PostgreSQL, NATS, anvil, the bank sandbox, the API
and every worker, each its own process on loopback, each stopped by its own PID.

The API, the workers and the vendor sandboxes are supervised (devstack/supervisor.py): one that
dies is started again with backoff, the rest keep running. By default a stack starts clean;
with ``persist`` (``onramp dev``) the database, JetStream, the chain and the HSM token are kept
in the state dir and the next start goes on from them (devstack/dev_state.py), unless ``fresh``.
Once everything answers, ``<state_dir>/stack.json`` says where each part listens and which pid
runs it (rewritten on each restart); it is removed on shutdown.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from onramp.chain.deploy import USDC, Deployment, deploy_local
from onramp.chain.hsm_signer import generate_secp256k1_key
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.keys import Hsm, Keyring, open_keyring
from onramp.core.money import Money
from onramp.core.settings import (
    ANVIL_DEPLOYER_KEY,
    REPO_ROOT,
    HsmSettings,
    Settings,
    stack_file,
    with_secrets,
)
from onramp.devstack import dev_state
from onramp.devstack.anvil import Anvil, start_anvil
from onramp.devstack.bank_sandbox import BankSandbox, start_bank_sandbox
from onramp.devstack.dev_state import DevState, SigningKey
from onramp.devstack.issuer_sandbox import IssuerSandbox, start_issuer_sandbox_on
from onramp.devstack.kyc_sandbox import KycSandbox, start_kyc_sandbox
from onramp.devstack.mail_sandbox import MailSandbox, start_mail_sandbox
from onramp.devstack.nats import EmbeddedNats, start_nats
from onramp.devstack.postgres import EmbeddedPostgres, start_postgres
from onramp.devstack.process import ManagedProcess, free_port, spawn
from onramp.devstack.softhsm import SoftHsmToken, start_softhsm
from onramp.devstack.stack_secrets import stack_secrets
from onramp.devstack.supervisor import RestartPolicy, Supervisor
from onramp.devstack.treasury_setup import (
    DEMO_TREASURER_KEYS,
    SAFE_THRESHOLD,
    TreasurySetup,
    register_treasury,
    set_up_treasury,
)
from onramp.ledger import chain_account, credit, debit, entry, fx_account, post_entry
from onramp.runtime.workers import WORKERS

VAULT_FUNDING = 10_000_000 * USDC
PAYOUT_GAS_WEI = 1_000 * 10**18  # the payout key's ether for gas, from anvil's deployer
PAYOUT_KEY_LABEL = "onramp-payout"
EXECUTOR_KEY_LABEL = "onramp-gas"
GUARDIAN_KEY_LABEL = "onramp-guardian"
CUSTODY_KEY_LABEL = "onramp-custody"  # the UserWalletFactory's operator: customer withdrawals
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Stack:
    state_dir: Path
    settings: Settings
    postgres: EmbeddedPostgres
    nats: EmbeddedNats
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

    def describe(self) -> dict[str, Any]:
        return {
            "api": self.api_url,
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
                "postgres": self.postgres.process.pid,
                "nats": self.nats.process.pid,
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

    def supervise(self, *, report: Progress = _quiet) -> Supervisor:
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
    ) -> ManagedProcess:
        """Start ``argv`` as the stack's ``name`` (stopping a live one of that name first).

        Supervised unless started with ``extra_env`` (a test's crash point or short timeout:
        the test watches it) or told otherwise; a restart always runs the stack's own
        environment, without ``extra_env``."""
        env = self.env() | dict(extra_env or {})
        log_dir = self.state_dir / "logs"

        def again() -> ManagedProcess:
            return spawn(name, argv, log_dir=log_dir, env=self.env(), cwd=REPO_ROOT)

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
        return self.spawn_app(
            f"worker-{name}",
            [sys.executable, "-m", "onramp", "worker", name],
            extra_env,
            supervised=supervised,
        )

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


def start_infrastructure(
    state_dir: Path, *, progress: Progress = _quiet, fresh: bool = True, persist: bool = False
) -> Stack:
    """SoftHSM2 (a token of its own), PostgreSQL (migrated, data keys made), NATS and anvil
    (contracts deployed, vault funded and booked).

    ``persist``: anvil keeps its chain in ``state_dir`` and what was deployed is written down,
    so a later start with ``fresh=False`` goes on from the same database, JetStream store, chain
    and HSM token (checked to still fit: ``dev_state.StateLost`` otherwise). Without a kept
    state, or with ``fresh``, everything starts clean."""
    state_dir = state_dir.resolve()
    kept = dev_state.load(state_dir) if persist and not fresh else None
    if kept is None:
        dev_state.wipe(state_dir)
    else:
        dev_state.check_files(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    stack_file(state_dir).unlink(missing_ok=True)
    started: list[Any] = []
    try:
        t = time.monotonic()
        hsm = start_softhsm(state_dir, fresh=kept is None)
        progress(f"SoftHSM2    token {hsm.token_label!r}  ({time.monotonic() - t:.1f}s)")
        t = time.monotonic()
        postgres = start_postgres(state_dir)
        started.append(postgres)
        progress(f"PostgreSQL  {postgres.url()}  ({time.monotonic() - t:.1f}s)")
        t = time.monotonic()
        nats = start_nats(state_dir)
        started.append(nats)
        progress(f"NATS        {nats.url}  JetStream on  ({time.monotonic() - t:.1f}s)")
        t = time.monotonic()
        chain_file = dev_state.chain_file(state_dir) if persist else None
        anvil = start_anvil(state_dir, repo_root=REPO_ROOT, state_file=chain_file)
        started.append(anvil)
        progress(f"anvil       {anvil.url}  chain {anvil.chain_id}  ({time.monotonic() - t:.1f}s)")
        t = time.monotonic()
        mail = start_mail_sandbox(state_dir)
        started.append(mail)
        progress(
            f"mail        sandbox SMTP {mail.smtp_host}:{mail.smtp_port}, inbox {mail.url}  "
            f"({time.monotonic() - t:.1f}s)"
        )
        base = with_secrets(Settings(), stack_secrets(state_dir))
        hsm_settings = hsm.apply(base.hsm)
        if kept is None:
            state = _deploy(anvil.url, hsm_settings, progress=progress)
        else:
            state = kept
            block = dev_state.check(state, Hsm.connect(hsm_settings), anvil.url)
            progress(
                f"kept        database, JetStream, HSM keys and chain (block {block}) from "
                f"{state_dir}; contracts not redeployed: TestUSDC {state.deployment.usdc}, "
                f"TreasuryVault {state.deployment.vault} (--fresh starts clean)"
            )
        deployment, treasury = state.deployment, state.treasury
        settings = base.with_stack(
            {
                "database": postgres.url(),
                "nats": nats.url,
                "rpc": anvil.url,
                "smtp": f"{mail.smtp_host}:{mail.smtp_port}",
                "contracts": {
                    "usdc": deployment.usdc,
                    "vault": deployment.vault,
                    "wallet_factory": deployment.wallet_factory,
                },
            }
        )
        # The bank's statement files land here (the bank sandbox can write them too); on one
        # machine there is no upload to wait for, so a file is read a second after it settles.
        banking = settings.banking.model_copy(
            update={
                "drop_dir": state_dir / "bank-drop",
                "drop_settle_seconds": 1.0,
                "drop_poll_seconds": 0.5,
            }
        )
        chain = settings.chain.model_copy(
            update={"signer": "hsm", "payout_key_id": state.payout.key_id}
        )
        treasury_settings = settings.treasury.model_copy(
            update={
                "executor_signer": "hsm",
                "executor_key_id": state.executor.key_id,
                "check_interval_seconds": 1.0,
            }
        )
        risk = settings.treasury_risk.model_copy(update={"guardian_key_id": state.guardian.key_id})
        settings = settings.model_copy(
            update={
                "treasury": treasury_settings,
                "treasury_risk": risk,
                "state_dir": state_dir,
                "hsm": hsm_settings,
                "banking": banking,
                "chain": chain,
                "custody": settings.custody.model_copy(
                    update={"signer": "hsm", "key_id": state.custody.key_id}
                ),
            }
        )
        t = time.monotonic()
        upgrade(postgres.url(), settings=settings)
        keyring = asyncio.run(_open_keyring(settings))
        if kept is None:
            asyncio.run(_book_vault_funding(settings, deployment))
            asyncio.run(
                register_treasury(
                    settings,
                    deployment,
                    treasury,
                    payout_address=state.payout.address,
                    custody_address=state.custody.address,
                )
            )
            if persist:
                dev_state.save(state_dir, state)  # last: a start cut short begins afresh
            progress(
                f"database    migrated, data keys wrapped in the HSM, vault funding booked  "
                f"({time.monotonic() - t:.1f}s)"
            )
        else:
            progress(f"database    migrated, data keys unwrapped  ({time.monotonic() - t:.1f}s)")
    except BaseException:
        for part in reversed(started):
            part.stop()
        raise
    return Stack(
        state_dir=state_dir,
        settings=settings,
        postgres=postgres,
        nats=nats,
        anvil=anvil,
        deployment=deployment,
        hsm=hsm,
        keyring=keyring,
        mail=mail,
        payout_address=state.payout.address,
        custody_address=state.custody.address,
        treasury=treasury,
    )


def _deploy(rpc_url: str, hsm_settings: HsmSettings, *, progress: Progress) -> DevState:
    """A new chain's keys (in the token), contracts and Safes."""
    t = time.monotonic()
    # Payouts are signed in the token: a fresh secp256k1 key per new chain, whose address
    # gets the vault's payout role and gas money.
    payout = SigningKey(*generate_secp256k1_key(Hsm.connect(hsm_settings), PAYOUT_KEY_LABEL))
    # The circuit breaker's guardian holds the vault's pauser role (it cannot unpause a
    # pause by the admin Safe, nor move funds).
    guardian = SigningKey(*generate_secp256k1_key(Hsm.connect(hsm_settings), GUARDIAN_KEY_LABEL))
    # Customers' custodial wallets answer to the factory's operator: a key in the token.
    custody = SigningKey(*generate_secp256k1_key(Hsm.connect(hsm_settings), CUSTODY_KEY_LABEL))
    deployment = deploy_local(
        rpc_url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=payout.address,
        vault_funding=VAULT_FUNDING,
        payout_gas_wei=PAYOUT_GAS_WEI,
        pauser=guardian.address,
        wallet_operator=custody.address,
        wallet_operator_gas_wei=PAYOUT_GAS_WEI,
    )
    progress(
        f"contracts   TestUSDC {deployment.usdc}, TreasuryVault {deployment.vault} "
        f"funded with {Money(VAULT_FUNDING, 'USDC')} USDC; payouts signed in the HSM by "
        f"{payout.address} (key id {payout.key_id}); customers' wallets operated by the "
        f"custody key {custody.address}  ({time.monotonic() - t:.1f}s)"
    )
    t = time.monotonic()
    # Safe executions and gas top-ups are sent by the gas wallet, a key in the token too.
    executor = SigningKey(*generate_secp256k1_key(Hsm.connect(hsm_settings), EXECUTOR_KEY_LABEL))
    treasury = set_up_treasury(
        rpc_url, deployment, executor=executor.address, guardian=guardian.address
    )
    progress(
        f"treasury    cold Safe {treasury.cold_safe} (vault admin, wallet factory owner), "
        f"warm Safe {treasury.warm_safe}, {SAFE_THRESHOLD} of {len(DEMO_TREASURER_KEYS)} demo "
        f"treasurers; gas wallet {executor.address} and circuit-breaker guardian "
        f"{guardian.address} in the HSM  "
        f"({time.monotonic() - t:.1f}s)"
    )
    return DevState(
        payout=payout,
        guardian=guardian,
        custody=custody,
        executor=executor,
        deployment=deployment,
        treasury=treasury,
    )


async def _open_keyring(settings: Settings) -> Keyring:
    """The first KEK and data keys of a new installation (the API would make them too)."""
    async with standalone_sessions(settings.database.url) as sessions:
        return await open_keyring(sessions, settings.hsm)


async def _book_vault_funding(settings: Settings, deployment: Deployment) -> None:
    """The treasury's USDC inventory enters the ledger: Dr chain:vault:USDC / Cr fx:USDC."""
    funding = Money(deployment.vault_funding, "USDC")
    async with (
        standalone_sessions(settings.database.url) as sessions,
        unit_of_work(sessions) as session,
    ):
        await post_entry(
            session,
            entry(
                "treasury_funding",
                deployment.funding_tx,
                debit(chain_account("vault"), funding),
                credit(fx_account("USDC"), funding),
            ),
        )


def start_applications(stack: Stack, *, progress: Progress = _quiet) -> None:
    """The bank and KYC sandboxes, the API and every worker, supervised (a process that dies is
    started again, reported through ``progress``), then wait until the API is ready."""
    api_port = free_port()
    stack.api_url = f"http://127.0.0.1:{api_port}"
    settings = stack.settings
    stack.bank = start_bank_sandbox(
        stack.state_dir,
        webhook_url=f"{stack.api_url}/v1/webhooks/bank/{settings.banking.bank}",
        webhook_secret=settings.banking.webhook_secret.get_secret_value(),
        account_iban=settings.banking.treasury_iban,
        drop_dir=settings.banking.drop_dir,
    )
    progress(f"bank        sandbox {stack.bank.url} -> webhooks to {stack.api_url}")
    stack.kyc = start_kyc_sandbox(
        stack.state_dir,
        webhook_url=f"{stack.api_url}/v1/webhooks/kyc/{settings.kyc.vendor}",
        webhook_secret=settings.kyc.webhook_secret.get_secret_value(),
    )
    # The issuer sandbox mints TestUSDC with a key of its own (made a minter, with an allowance).
    stack.issuer = start_issuer_sandbox_on(stack.state_dir, settings, api_url=stack.api_url)
    progress(f"issuer      sandbox {stack.issuer.url} (mints TestUSDC) -> webhooks to the API")
    # The API (and in-process apps of tests) call the vendor here: before the API is spawned.
    stack.settings = settings.model_copy(
        update={
            "issuer": settings.issuer.model_copy(update={"api_url": stack.issuer.url}),
            "kyc": settings.kyc.model_copy(update={"vendor_url": stack.kyc.url}),
            "banking": settings.banking.model_copy(update={"api_url": stack.bank.url}),
        }
    )
    progress(f"kyc         sandbox {stack.kyc.url} -> webhooks to {stack.api_url}")
    # A sandbox restarts on its port (the API and workers know its URL), with an empty memory.
    for process in stack.processes().values():
        process.supervised = True
    stack.spawn_app("api", [sys.executable, "-m", "onramp", "api", "--port", str(api_port)])
    for name in WORKERS:
        stack.spawn_worker(name)
    # A worker that dies at start (its keyring, a connection) is started again from here on.
    stack.supervise(report=progress)
    wait_ready(stack.api_url, stack)
    progress(f"api         {stack.api_url}  (docs: /docs); workers: {', '.join(WORKERS)}")
    stack.ready = True
    write_stack_file(stack)


def wait_ready(api_url: str, stack: Stack, *, timeout: float = 60.0) -> None:
    """Until the API answers ``/readyz`` (the supervisor restarts it if it dies meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.supervisor is not None and "api" in stack.supervisor.given_up():
            raise RuntimeError(
                f"the API keeps exiting during start-up; see {stack.apps['api'].log_path}"
            )
        try:
            if httpx.get(f"{api_url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the API at {api_url} was not ready after {timeout}s")


def write_stack_file(stack: Stack) -> None:
    """``stack.json``: where each part listens and the pid running it now."""
    path = stack_file(stack.state_dir)
    tmp = path.with_suffix(".tmp")
    with stack.lock:
        tmp.write_text(json.dumps(stack.describe(), indent=2) + "\n")
        tmp.replace(path)


def start_stack(
    state_dir: Path, *, progress: Progress = _quiet, fresh: bool = True, persist: bool = False
) -> Stack:
    stack = start_infrastructure(state_dir, progress=progress, fresh=fresh, persist=persist)
    try:
        start_applications(stack, progress=progress)
    except BaseException:
        stack.stop()
        raise
    return stack
