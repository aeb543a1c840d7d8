"""``onramp`` commands for PostgreSQL to run (``archive_command``, ``restore_command``): a
shell line that works in the server's environment, which has neither onramp's PATH nor, when
the server runs as its own OS user, access to a Python under another user's home.

The line names a Python by its absolute path (this one, or the system's of the same version
when this one is out of the server user's reach) and loads onramp from this environment's
site-packages, so it runs the very code that wrote the settings.
"""

from __future__ import annotations

import shlex
import sys
import sysconfig
from pathlib import Path


def shell_path(path: Path) -> str:
    """``path``, absolute, as one word of a PostgreSQL shell command (``%`` doubled: the server
    reads ``%%`` as one ``%``)."""
    return _word(str(path.absolute()))


def shell_folder(directory: Path) -> str:
    """``directory/`` (resolved) as the start of a shell word a PostgreSQL placeholder such as
    ``%f`` may follow (its own ``%`` doubled)."""
    return _word(f"{directory.resolve()}/")


def _word(text: str) -> str:
    return shlex.quote(text).replace("%", "%%")


def _reachable_by_anyone(path: Path) -> bool:
    """Every directory above ``path`` searchable, and ``path`` executable, by any user."""
    real = path.resolve()
    if not real.exists() or not real.stat().st_mode & 0o001:
        return False
    return all(folder.stat().st_mode & 0o001 for folder in real.parents)


def server_python() -> Path:
    here = Path(sys.executable)
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not _reachable_by_anyone(here) and _reachable_by_anyone(system):
        return system
    return here


def onramp_command(*args: str) -> str:
    """``onramp ARGS`` as a PostgreSQL shell command; ``ARGS`` already shell words."""
    boot = (
        f"import site; site.addsitedir({sysconfig.get_path('purelib')!r}); "
        "from onramp.runtime import main; main()"
    )
    return " ".join([shell_path(server_python()), "-c", _word(boot), *args])
