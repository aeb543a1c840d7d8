"""MkDocs hooks of the docs site (mkdocs.yml ``hooks:``).

- Generated pages: the reference pages (tools/docs_reference.py, tools/docs_api.py) and the
  checklists (tools/docs_checklists.py) are made at build time from the code and added to the
  site as files that exist only in it, so nothing generated is committed or can go stale.
- Mermaid: the script from node_modules (npm's ``mermaid``), so the site draws its diagrams
  offline (MkDocs Material otherwise fetches it from a CDN).
- ``<!-- permissions: ROLE -->`` in a page becomes the list of that role's permissions, read
  from ``onramp.auth.permissions`` (the manuals: what each staff role may do).
- Links out of docs/: a page may link to a file of the repository (``../deploy/k8s/``); the
  site has no such page, so the link becomes the path as code, and a path that does not exist
  is a warning (an error under ``--strict``). ``examples/`` and ``clients/`` are written on
  another branch: a link there is kept loose (not checked).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import docs_api  # noqa: E402 - tools/ is not a package: its modules are found on sys.path
import docs_checklists  # noqa: E402
import docs_reference  # noqa: E402

log = logging.getLogger("mkdocs.plugins.onramp")
MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
LOOSE = ("examples/", "clients/")
PERMISSIONS = re.compile(r"<!-- permissions: (?P<role>[a-z_]+) -->")
REPO_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>(?:\.\./)+[^)#\s]+)\)")


def _pages() -> dict[str, Callable[[], str]]:
    pages: dict[str, Callable[[], str]] = {
        "reference/database.md": docs_reference.schema_page,
        "reference/errors.md": docs_reference.errors_page,
        "reference/configuration.md": docs_reference.config_page,
        "reference/openapi.md": docs_api.openapi_page,
        "reference/events.md": docs_api.events_page,
    }
    for name, source in docs_checklists.CHECKLISTS.items():
        pages[name] = lambda source=source: docs_checklists.page(source)  # type: ignore[misc]
    return pages


def on_files(files: Files, config: Any) -> Files:
    import json

    for name, make in _pages().items():
        files.append(File.generated(config, name, content=make()))
    document = docs_api.openapi_document()
    files.append(File.generated(config, "reference/openapi.json", content=json.dumps(document)))
    asyncapi = json.dumps(docs_api.asyncapi_document(), indent=2)
    files.append(File.generated(config, "reference/asyncapi.json", content=asyncapi))
    if not MERMAID.is_file():
        log.warning("no %s: run `make install` (npm ci) to draw the diagrams", MERMAID)
    else:
        files.append(File.generated(config, "assets/mermaid.min.js", abs_src_path=str(MERMAID)))
    return files


def permissions_list(match: re.Match[str]) -> str:
    from onramp.auth.permissions import NOT_DELEGABLE, Role, permissions_of

    role = Role(match.group("role"))
    lines = [f"What the `{role.value}` role may do (read from `onramp.auth.permissions`):", ""]
    for permission in sorted(permissions_of(role)):
        note = " (never on an API key)" if permission in NOT_DELEGABLE else ""
        lines.append(f"- `{permission.value}`{note}")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Permission lists filled in; links that leave docs/ become the repository path as code,
    checked to exist."""
    markdown = PERMISSIONS.sub(permissions_list, markdown)
    docs_dir = Path(config["docs_dir"])
    source = docs_dir / page.file.src_uri

    def replace(match: re.Match[str]) -> str:
        target = (source.parent / match.group("target")).resolve()
        if target.is_relative_to(docs_dir.resolve()):
            return match.group(0)  # a page of the site: MkDocs checks it
        path = target.relative_to(ROOT).as_posix() if target.is_relative_to(ROOT) else None
        if path is None:
            log.warning("%s links outside the repository: %s", page.file.src_uri, target)
            return match.group(0)
        if not target.exists() and not path.startswith(LOOSE):
            log.warning("%s links to %s, which does not exist", page.file.src_uri, path)
        text = match.group("text")
        return f"`{path}`" if text.strip("`") == path else f"{text} (`{path}`)"

    return REPO_LINK.sub(replace, markdown)
