"""``onramp screen``: load sanctions lists, screen names and addresses.

``names`` and ``address`` screen against the latest loaded version of every list in the
database, or, with ``--list FILE``, against that file alone: then no database is needed (for a
one-off check, or a machine that only screens).
"""

from __future__ import annotations

import asyncio
import getpass
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from onramp.compliance import SanctionsList

if TYPE_CHECKING:
    from onramp.compliance import LoadedVersion

screen_app = typer.Typer(help="Sanctions screening.", no_args_is_help=True)

ListOption = Annotated[
    str | None,
    typer.Option("--list", help="Screen against this list file, folder or URL, not the database"),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", help="ofac-advanced-xml or ofac-legacy-csv (default: from the file name)"
    ),
]


def _emit(row: object) -> None:
    sys.stdout.buffer.write(orjson.dumps(row) + b"\n")


def _fail(exc: Exception) -> typer.Exit:
    from onramp.core.errors import OnrampError

    if isinstance(exc, OnrampError):
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        return typer.Exit(1)
    raise exc


@contextmanager
def _local(spec: str) -> Iterator[Path]:
    """A list given as a path, or fetched from a URL into a temporary folder."""
    from onramp.compliance import fetch_list, is_url

    if not is_url(spec):
        yield Path(spec)
        return
    with tempfile.TemporaryDirectory(prefix="onramp-list-") as folder:
        yield fetch_list(spec, Path(folder))


def _sanctions(list_spec: str | None, list_format: str | None) -> SanctionsList:
    from onramp.compliance import NoSanctionsListLoaded, combine, load_list

    if list_spec is not None:
        with _local(list_spec) as path:
            return load_list(path, list_format)
    from onramp.compliance import latest_lists
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.settings import load_settings

    async def read() -> list[SanctionsList]:
        async with (
            standalone_sessions(load_settings().database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            return await latest_lists(session=session)

    lists = asyncio.run(read())
    if not lists:
        raise NoSanctionsListLoaded()
    return combine(lists)


@screen_app.command("load")
def screen_load(
    source: Annotated[
        str | None, typer.Argument(help="File, folder or URL (default: compliance.list_url)")
    ] = None,
    list_format: FormatOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the version and the full diff as JSON")
    ] = False,
) -> None:
    """Load a new version of a list into the database and print a summary of what changed."""
    from onramp.compliance import NoSanctionsListLoaded, load_version
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.settings import load_settings

    settings = load_settings()
    spec = source or settings.compliance.list_url
    # The configured format goes with the configured URL; a file given here (an EU or UN issue
    # beside an OFAC default) is detected unless --format says otherwise.
    configured = settings.compliance.list_format if source is None else ""
    chosen_format = list_format or configured or None

    async def load(path: Path) -> None:
        async with (
            standalone_sessions(settings.database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            loaded = await load_version(
                session=session,
                path=path,
                list_format=chosen_format,
                actor=f"cli:{getpass.getuser()}",
            )
        if as_json:
            _emit(loaded_as_json(loaded))
        else:
            print(load_summary(loaded))

    try:
        if not spec:
            raise NoSanctionsListLoaded("give a file or URL, or set ONRAMP_COMPLIANCE__LIST_URL")
        with _local(spec) as path:
            asyncio.run(load(path))
    except Exception as exc:  # domain errors become a message and exit 1
        raise _fail(exc) from exc


def loaded_as_json(loaded: LoadedVersion) -> dict[str, object]:
    return {
        "version_id": loaded.version_id,
        "source": loaded.source,
        "format": loaded.format,
        "issued": loaded.issued,
        "sha256": loaded.sha256,
        "entries": loaded.entry_count,
        "new_version": loaded.is_new,
        "diff": loaded.diff.summary(),
        "added": loaded.diff.added,
        "removed": loaded.diff.removed,
        "changed": loaded.diff.changed,
        "addresses_added": loaded.diff.addresses_added,
        "addresses_removed": loaded.diff.addresses_removed,
    }


def load_summary(loaded: LoadedVersion) -> str:
    """A few lines for a person; the uids and addresses themselves are in ``--json``."""
    issued = f", issued {loaded.issued}" if loaded.issued else ""
    if not loaded.is_new:
        return (
            f"{loaded.source}: unchanged, the same file as version {loaded.version_id}"
            f"{issued} ({loaded.entry_count} entries); nothing stored"
        )
    counts = loaded.diff.summary()
    return (
        f"{loaded.source}: new version {loaded.version_id}{issued} ({loaded.entry_count} "
        f"entries, {loaded.format})\n"
        f"  entries: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed\n"
        f"  addresses: {counts['addresses_added']} added, "
        f"{counts['addresses_removed']} removed\n"
        "  re-screen queued; --json lists the uids and addresses"
    )


@screen_app.command("names")
def screen_names(
    file: Path,
    list_file: ListOption = None,
    list_format: FormatOption = None,
    threshold: Annotated[float | None, typer.Option(help="Hit at or above this score")] = None,
) -> None:
    """Screen a CSV of name,date_of_birth,country (last two optional): one JSON line per row."""
    from onramp.compliance import MatchSettings, NameMatcher, read_batch
    from onramp.compliance import screen_batch_name as screen_name
    from onramp.core.settings import load_settings

    try:
        rows = list(read_batch(file))
        if threshold is None:
            threshold = load_settings().compliance.name_threshold
        settings = MatchSettings(threshold=threshold)
        matcher = NameMatcher(_sanctions(list_file, list_format), settings)
    except Exception as exc:
        raise _fail(exc) from exc
    for row in rows:
        _emit(screen_name(matcher, row))


@screen_app.command("address")
def screen_address(
    addresses: list[str],
    list_file: ListOption = None,
    list_format: FormatOption = None,
) -> None:
    """Screen wallet addresses (any letter case): one JSON line per address."""
    from onramp.compliance import AddressMatcher
    from onramp.compliance import screen_batch_address as screen_one

    try:
        matcher = AddressMatcher(_sanctions(list_file, list_format))
    except Exception as exc:
        raise _fail(exc) from exc
    for address in addresses:
        _emit(screen_one(matcher, address))
