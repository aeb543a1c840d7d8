"""The dev stack's infrastructure: SoftHSM2, PostgreSQL, NATS, anvil and the mail sandbox
started, the contracts and Safes deployed (or a kept state checked), the database migrated and
the vault's funding booked."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onramp.chain import USDC, Deployment, deploy_local, generate_secp256k1_key
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
from onramp.devstack.dev_state import DevState, SigningKey
from onramp.devstack.external_services import (
    ExternalNats,
    ExternalPostgres,
    check_empty,
    external_services,
)
from onramp.devstack.mail_sandbox import MailSandbox, start_mail_sandbox
from onramp.devstack.nats import EmbeddedNats, start_nats
from onramp.devstack.postgres import EmbeddedPostgres, WalArchive, start_postgres
from onramp.devstack.running_stack import Progress, Stack, quiet
from onramp.devstack.softhsm import SoftHsmToken, start_softhsm
from onramp.devstack.stack_secrets import stack_secrets
from onramp.devstack.treasury_setup import (
    DEMO_TREASURER_KEYS,
    SAFE_THRESHOLD,
    register_treasury,
    set_up_treasury,
)
from onramp.ledger import chain_account, credit, debit, entry, fx_account, post_entry

VAULT_FUNDING = 10_000_000 * USDC
PAYOUT_GAS_WEI = 1_000 * 10**18  # the payout key's ether for gas, from anvil's deployer
PAYOUT_KEY_LABEL = "onramp-payout"
EXECUTOR_KEY_LABEL = "onramp-gas"
GUARDIAN_KEY_LABEL = "onramp-guardian"
CUSTODY_KEY_LABEL = "onramp-custody"  # the UserWalletFactory's operator: customer withdrawals


@dataclass(frozen=True)
class _Processes:
    """The infrastructure's processes, started in this order (and stopped in reverse)."""

    hsm: SoftHsmToken
    postgres: EmbeddedPostgres | ExternalPostgres
    nats: EmbeddedNats | ExternalNats
    anvil: Anvil
    mail: MailSandbox


def start_infrastructure(
    state_dir: Path,
    *,
    progress: Progress = quiet,
    fresh: bool = True,
    persist: bool = False,
    services: Settings | None = None,
    wal_archive: WalArchive | None = None,
) -> Stack:
    """SoftHSM2 (a token of its own), PostgreSQL (migrated, data keys made), NATS and anvil
    (contracts deployed, vault funded and booked).

    ``persist``: anvil keeps its chain in ``state_dir`` and what was deployed is written down,
    so a later start with ``fresh=False`` goes on from the same database, JetStream store, chain
    and HSM token (checked to still fit: ``dev_state.StateLost`` otherwise). Without a kept
    state, or with ``fresh``, everything starts clean.

    ``services``: the PostgreSQL and NATS these settings name instead of embedded ones (empty
    ones for a clean start: devstack/external_services.py).

    ``wal_archive``: the embedded PostgreSQL archives every finished WAL segment there."""
    state_dir = state_dir.resolve()
    if services is not None:  # unset URLs are refused before anything starts
        external_services(services)
    kept = _prepare_state_dir(state_dir, fresh=fresh, persist=persist)
    started: list[Any] = []
    try:
        parts = _start_processes(
            state_dir,
            started,
            fresh_token=kept is None,
            persist=persist,
            progress=progress,
            services=services,
            wal_archive=wal_archive,
        )
        base = with_secrets(services or Settings(), stack_secrets(state_dir))
        hsm_settings = parts.hsm.apply(base.hsm)
        if kept is None:
            state = _deploy(parts.anvil.url, hsm_settings, progress=progress)
        else:
            state = _check_kept(kept, state_dir, hsm_settings, parts.anvil.url, progress=progress)
        settings = _stack_settings(base, parts, state, hsm_settings, state_dir)
        keyring = _prepare_database(
            parts.postgres.url(),
            settings,
            state,
            state_dir,
            new=kept is None,
            persist=persist,
            progress=progress,
        )
    except BaseException:
        for part in reversed(started):
            part.stop()
        raise
    return _stack(state_dir, settings, parts, state, keyring)


def _stack(
    state_dir: Path, settings: Settings, parts: _Processes, state: DevState, keyring: Keyring
) -> Stack:
    return Stack(
        state_dir=state_dir,
        settings=settings,
        postgres=parts.postgres,
        nats=parts.nats,
        anvil=parts.anvil,
        deployment=state.deployment,
        hsm=parts.hsm,
        keyring=keyring,
        mail=parts.mail,
        payout_address=state.payout.address,
        custody_address=state.custody.address,
        treasury=state.treasury,
    )


def _prepare_state_dir(state_dir: Path, *, fresh: bool, persist: bool) -> DevState | None:
    """The kept state to go on from (``None``: the state dir was wiped for a clean start)."""
    kept = dev_state.load(state_dir) if persist and not fresh else None
    if kept is None:
        if not fresh and (state_dir / "pgdata" / "recovery.signal").exists():
            # Made by `onramp backup recover`: a clean start would delete it unrecovered.
            raise dev_state.StateLost(
                f"{state_dir / 'pgdata'} waits to be recovered, but {state_dir} keeps no stack "
                "state to go on with (its state file, HSM token and chain); start PostgreSQL on "
                "it alone (pg_ctl), or recover into another directory"
            )
        dev_state.wipe(state_dir)
    else:
        dev_state.check_files(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    stack_file(state_dir).unlink(missing_ok=True)
    return kept


def _start_processes(
    state_dir: Path,
    started: list[Any],
    *,
    fresh_token: bool,
    persist: bool,
    progress: Progress,
    services: Settings | None,
    wal_archive: WalArchive | None,
) -> _Processes:
    """A new HSM token (or the kept one: not ``fresh_token``), then the rest; each process is
    appended to ``started`` as soon as it runs, so that a failure stops it."""
    t = time.monotonic()
    hsm = start_softhsm(state_dir, fresh=fresh_token)
    progress(f"SoftHSM2    token {hsm.token_label!r}  ({time.monotonic() - t:.1f}s)")
    postgres: EmbeddedPostgres | ExternalPostgres
    nats: EmbeddedNats | ExternalNats
    if services is not None:
        postgres, nats = external_services(services)
        if fresh_token:  # a clean start: nothing of another stack's books or events
            check_empty(services)
        progress(f"PostgreSQL  {postgres.url()}  (given: --services)")
        progress(f"NATS        {nats.url}  stream {services.nats.stream!r}  (given: --services)")
    else:
        t = time.monotonic()
        postgres = start_postgres(state_dir, wal_archive=wal_archive)
        started.append(postgres)
        archiving = f", WAL archived to {wal_archive.directory}" if wal_archive else ""
        progress(f"PostgreSQL  {postgres.url()}{archiving}  ({time.monotonic() - t:.1f}s)")
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
    return _Processes(hsm=hsm, postgres=postgres, nats=nats, anvil=anvil, mail=mail)


def _check_kept(
    kept: DevState, state_dir: Path, hsm_settings: HsmSettings, rpc_url: str, *, progress: Progress
) -> DevState:
    """The kept state, once its keys are found in the token and its contracts on the chain."""
    block = dev_state.check(kept, Hsm.connect(hsm_settings), rpc_url)
    progress(
        f"kept        database, JetStream, HSM keys and chain (block {block}) from "
        f"{state_dir}; contracts not redeployed: TestUSDC {kept.deployment.usdc}, "
        f"TreasuryVault {kept.deployment.vault} (--fresh starts clean)"
    )
    return kept


def _stack_settings(
    base: Settings,
    parts: _Processes,
    state: DevState,
    hsm_settings: HsmSettings,
    state_dir: Path,
) -> Settings:
    """``base`` pointed at the processes, the contracts and the keys in the token."""
    deployment = state.deployment
    settings = base.with_stack(
        {
            "database": parts.postgres.url(),
            "nats": parts.nats.url,
            "rpc": parts.anvil.url,
            "smtp": f"{parts.mail.smtp_host}:{parts.mail.smtp_port}",
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
    return settings.model_copy(
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


def _prepare_database(
    database_url: str,
    settings: Settings,
    state: DevState,
    state_dir: Path,
    *,
    new: bool,
    persist: bool,
    progress: Progress,
) -> Keyring:
    """The database migrated and its data keys opened; on a ``new`` chain, the vault's funding
    booked and the treasury registered (and, with ``persist``, the state written down last)."""
    t = time.monotonic()
    upgrade(database_url, settings=settings)
    keyring = asyncio.run(_open_keyring(settings))
    if not new:
        progress(f"database    migrated, data keys unwrapped  ({time.monotonic() - t:.1f}s)")
        return keyring
    asyncio.run(_book_vault_funding(settings, state.deployment))
    asyncio.run(
        register_treasury(
            settings,
            state.deployment,
            state.treasury,
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
    return keyring


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
