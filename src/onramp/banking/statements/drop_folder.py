"""The drop folder: statement files a bank delivers (SFTP-style) into a directory, each
imported once, then moved to ``processed/`` or, if it cannot be read, to ``failed/`` beside a
``<name>.error.txt`` saying why (the error code first).

A file still being written is left alone: names ending ``.tmp`` or ``.part`` and hidden files
are skipped, and so is any file modified in the last ``settle_seconds``. The database is the
truth: a file imported but not yet moved (a crash between commit and rename) is found by its
sha256 on the next pass and only moved. A database that cannot be reached leaves the file in
place for the next pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.booking.deposit_booking import DEFAULT_RULES
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.booking.returns import OrderFunds
from onramp.banking.models import BankFileSource
from onramp.banking.statements.imports import ImportReport, import_statement
from onramp.core.db import unit_of_work
from onramp.core.errors import InvalidInput
from onramp.core.logging import get_logger

log = get_logger(__name__)

PROCESSED = "processed"
FAILED = "failed"
_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".filepart")


@dataclass(frozen=True)
class DropOutcome:
    name: str
    moved_to: Path
    report: ImportReport | None  # None when the file was refused
    error: str | None = None


def _ready(path: Path, *, now: float, settle_seconds: float) -> bool:
    if not path.is_file() or path.name.startswith(".") or path.name.endswith(_PARTIAL_SUFFIXES):
        return False
    return now - path.stat().st_mtime >= settle_seconds


def _move(path: Path, folder: Path, tag: str) -> Path:
    """Into ``folder``, never over another file of the same name."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.name}.{tag}"
    path.replace(target)
    return target


async def import_drop_folder(
    sessions: async_sessionmaker[AsyncSession],
    *,
    directory: Path,
    bank: str,
    now: Callable[[], datetime],
    settle_seconds: float,
    order_funds: OrderFunds | None = None,
    min_holder_score: float | None = None,
    rules: PaymentRules = DEFAULT_RULES,
    accounts: frozenset[str] | None = None,
) -> list[DropOutcome]:
    """One pass over the folder, oldest name first; each file in its own transaction."""
    outcomes: list[DropOutcome] = []
    moment = now().timestamp()
    for path in sorted(
        p for p in directory.iterdir() if _ready(p, now=moment, settle_seconds=settle_seconds)
    ):
        data = path.read_bytes()
        extra = {} if min_holder_score is None else {"min_holder_score": min_holder_score}
        try:
            async with unit_of_work(sessions) as session:
                report = await import_statement(
                    session, bank=bank, data=data, filename=path.name, now=now(),
                    source=BankFileSource.DROP_FOLDER, order_funds=order_funds,
                    rules=rules, accounts=accounts, **extra,
                )  # fmt: skip
        except InvalidInput as exc:  # the file itself is bad: set it aside with the reason
            target = _move(path, directory / FAILED, now().strftime("%Y%m%dT%H%M%S"))
            reason = f"{exc.code}: {exc.detail}\n"
            target.with_name(f"{target.name}.error.txt").write_text(reason)
            log.warning("bank_file.failed", file=path.name, code=exc.code)
            outcomes.append(DropOutcome(path.name, target, None, reason.strip()))
            continue
        target = _move(path, directory / PROCESSED, report.sha256[:12])
        log.info(
            "bank_file.imported",
            file=path.name,
            already_imported=report.already_imported,
            received=report.counts.received,
            duplicates=report.counts.duplicates,
        )
        outcomes.append(DropOutcome(path.name, target, report))
    return outcomes


async def run_drop_folder(
    sessions: async_sessionmaker[AsyncSession],
    *,
    directory: Path,
    bank: str,
    now: Callable[[], datetime],
    stop: asyncio.Event,
    interval: float,
    settle_seconds: float,
    order_funds: OrderFunds | None = None,
    min_holder_score: float | None = None,
    rules: PaymentRules = DEFAULT_RULES,
    accounts: frozenset[str] | None = None,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    log.info("bank_files.started", directory=str(directory))
    while not stop.is_set():
        try:
            await import_drop_folder(
                sessions, directory=directory, bank=bank, now=now, settle_seconds=settle_seconds,
                order_funds=order_funds, min_holder_score=min_holder_score, rules=rules,
                accounts=accounts,
            )  # fmt: skip
        except Exception:  # the database or the disk: the files stay, the next pass retries
            log.exception("bank_files.pass_failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
    log.info("bank_files.stopped")
