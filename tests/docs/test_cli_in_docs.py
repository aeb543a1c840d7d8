"""Every ``onramp …`` command the docs and the README show exists, with the options they give
it: each shell block and inline code span is read, its words walked down the CLI's command tree
(``--option`` checked against the command's own), and a worker or group it names is one the
worker host knows. A renamed command or option fails here, not in a reader's terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from onramp.runtime.cli import app
from onramp.runtime.workers import ALL, GROUPS, REGISTRY
from tests.docs.tools import ROOT

FENCE = re.compile(r"^\s*(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
SHELL = {"", "sh", "bash", "shell", "console"}
SPAN = re.compile(r"`([^`\n]+)`")
CALL = re.compile(r"(?:^|[\s/(\"'=])onramp((?:[ \t]+[^\s|;&#`\\)]+)+)")
WORD = re.compile(r"[a-z][a-z0-9_-]*")
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]


def snippets(text: str) -> Iterator[str]:
    """Lines of shell blocks, and inline code spans outside any block."""
    fence: str | None = None
    shell = False
    for line in text.replace("\\\n", " ").splitlines():  # a command continued on the next line
        match = FENCE.match(line)
        if fence is None and match:
            fence, shell = match.group("fence"), match.group("lang") in SHELL
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is not None:
            if shell:
                yield line
        else:
            yield from SPAN.findall(line)


def calls(page: Path) -> Iterator[list[str]]:
    """Each ``onramp`` call's words (brackets of optional parts dropped)."""
    for snippet in snippets(page.read_text()):
        for match in CALL.finditer(snippet):
            words = [w.strip("[]{}") for w in match.group(1).split()]
            words = [w for w in words if w]
            if words and (WORD.fullmatch(words[0]) or words[0].startswith("--")):
                yield words


# Typer builds on its own copy of click: commands are read by what they hold, not their class.
def _options(command: Any) -> set[str]:
    names = {"--help"}
    for param in command.params:
        if param.param_type_name == "option":
            names.update(param.opts + param.secondary_opts)
    return names


def _takes_value(command: Any, name: str) -> bool:
    return any(
        name in param.opts and not param.is_flag and not param.count
        for param in command.params
        if param.param_type_name == "option"
    )


def problems_of(words: list[str], root: Any) -> list[str]:
    """What in ``onramp <words>`` the CLI does not have."""
    command, path, found = root, ["onramp"], []
    context = root.context_class(root)
    args: list[str] = []
    value_next = False
    for word in words:
        if value_next:
            value_next = False
        elif word.startswith("--"):
            name = word.split("=")[0]
            if name not in _options(command):
                found.append(f"{' '.join(path)} has no option {name}")
            value_next = "=" not in word and _takes_value(command, name)
        elif hasattr(command, "list_commands") and not args:
            if word not in command.list_commands(context):
                found.append(f"{' '.join(path)} has no command {word!r}")
                return found
            command = command.get_command(context, word)
            path.append(word)
        else:
            args.append(word)
    if path[1:] == ["worker"]:
        named = [w for w in args if WORD.fullmatch(w)]
        group = words[words.index("--group") + 1] if "--group" in words[:-1] else None
        found += [f"no worker {w!r}" for w in named if w not in REGISTRY and w != ALL]
        if group is not None and WORD.fullmatch(group) and group not in GROUPS:
            found.append(f"no worker group {group!r}")
    return found


ROOT_COMMAND = typer.main.get_command(app)
CALLS = [(page, words) for page in PAGES for words in calls(page)]


def test_the_docs_show_many_commands() -> None:
    assert len(CALLS) > 150  # the reading finds them: a broken pattern would find none


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_command_a_page_shows_exists(page: Path) -> None:
    found = [
        f"onramp {' '.join(words)}: {problem}"
        for shown, words in CALLS
        if shown == page
        for problem in problems_of(words, ROOT_COMMAND)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("shown", "problem"),
    [
        ("onramp recon run --day 2026-12-05", "onramp recon run has no option --day"),
        ("onramp recon rerun", "onramp recon has no command 'rerun'"),
        ("onramp worker payout", "no worker 'payout'"),
        ("onramp worker --group money_inn", "no worker group 'money_inn'"),
    ],
)
def test_a_command_or_option_that_does_not_exist_is_caught(
    shown: str, problem: str, tmp_path: Path
) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"Run `{shown}`, or:\n\n```sh\n{shown} | tee out\n```\n")
    shown_calls = list(calls(page))
    assert len(shown_calls) == 2
    for words in shown_calls:
        assert problem in problems_of(words, ROOT_COMMAND)
