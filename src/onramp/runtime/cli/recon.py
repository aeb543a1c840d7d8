"""``onramp recon``: reconcile a day (the bank's lines against deposits, refunds, reversals and
their postings) and print what agrees and what does not; list the breaks queue. Breaks are
results, not errors: the commands exit 0."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onramp.core.settings import load_settings

if TYPE_CHECKING:
    from onramp.recon import RunResult

recon_app = typer.Typer(help="Reconciliation: bank and ledger, line by line.", no_args_is_help=True)


def _yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


async def _run(day: date) -> RunResult:
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.recon import run_recon
    from onramp.runtime.workers.recon import break_alarm, read_treasury

    settings = load_settings()
    async with standalone_sessions(settings.database.url) as sessions:
        unread = await read_treasury(settings, sessions, utcnow())
        if unread:
            print(
                f"chain not read now ({unread}); the run holds what was read before",
                file=sys.stderr,
            )
        async with unit_of_work(sessions) as session:
            return await run_recon(
                session, day=day, now=utcnow(), requested_by=f"cli:{getpass.getuser()}",
                alarm=break_alarm(settings),
            )  # fmt: skip


@recon_app.command("run")
def run(
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="The day (UTC); default yesterday"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Reconcile one day; a second run of the day updates its breaks, never doubles them."""
    result = asyncio.run(_run(day.date() if day else _yesterday()))
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    bank = result.matched["bank"]
    amounts = ", ".join(f"{v} {c}" for c, v in bank["amounts"].items()) or "nothing"
    print(f"{result.day}: run {result.run_id}")
    print(f"bank: {bank['lines']} lines matched ({amounts}, minor units)")
    print(f"chain: {result.matched['chain']['events']} payouts matched")
    open_breaks = [b for b in result.breaks if b.state == "open"]
    print(f"{len(open_breaks)} open breaks" + (":" if open_breaks else ""))
    for b in open_breaks:
        print(f"  {b.type:<18} {b.source:<7} {b.reference:<40} {b.amount} {b.currency}  {b.detail}")


async def _breaks(state: str | None, limit: int) -> list[dict[str, Any]]:
    from onramp.core.db import standalone_sessions
    from onramp.recon import BreakFilter, break_dict, list_breaks

    async with standalone_sessions(load_settings().database.url) as sessions:
        async with sessions() as session:
            rows = await list_breaks(
                session, where=BreakFilter(state=state), limit=limit, before=None
            )
            return [
                {**break_dict(b), "date": b.run_date.isoformat(), "bank": b.bank,
                 "assignee_id": str(b.assignee_id) if b.assignee_id else None}
                for b in rows
            ]  # fmt: skip


@recon_app.command("breaks")
def breaks(
    state: Annotated[
        str | None,
        typer.Option(help="open, cleared or resolved; default every state"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """The breaks queue, newest first (as GET /v1/admin/recon/breaks)."""
    if state is not None and state not in {"open", "cleared", "resolved"}:
        raise typer.BadParameter("open, cleared or resolved", param_hint="--state")
    found = asyncio.run(_breaks(state, limit))
    if as_json:
        print(json.dumps({"breaks": found}))
        return
    print(f"{len(found)} breaks" + (":" if found else ""))
    for b in found:
        print(
            f"  {b['date']} {b['state']:<9} {b['type']:<18} {b['source']:<7} "
            f"{b['reference']:<40} {b['amount']} {b['currency']}  {b['detail']}"
        )
