"""Which workers a host runs (runtime/workers/__init__.py, groups.py): every registered worker in
exactly one group; a name, several, ``all`` or a group, and a clear refusal otherwise."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onramp.runtime.cli import app
from onramp.runtime.workers import ALL, GROUPS, WORKERS, UnknownWorker, resolve


def test_every_worker_is_in_exactly_one_group() -> None:
    placed = Counter(name for workers in GROUPS.values() for name in workers)
    assert sorted(placed) == sorted(WORKERS)
    assert set(placed.values()) == {1}
    assert not set(GROUPS) & set(WORKERS)  # a group's name never reads as a worker's


def test_a_host_runs_one_worker_several_all_or_a_group() -> None:
    assert resolve(["payouts"]) == ("payouts", resolve(["payouts"])[1])
    assert [w.name for w in resolve(["payouts"])[1]] == ["payouts"]
    name, workers = resolve(["relay", "audit", "relay"])
    assert (name, [w.name for w in workers]) == ("relay+audit", ["relay", "audit"])
    name, workers = resolve([ALL])
    assert (name, [w.name for w in workers]) == ("all", list(WORKERS))
    name, workers = resolve([], "money_out")
    assert (name, [w.name for w in workers]) == ("money_out", list(GROUPS["money_out"]))


@pytest.mark.parametrize(
    ("names", "group", "says"),
    [
        (["payout"], None, "unknown worker 'payout'"),
        ([], "money", "unknown group 'money'"),
        (["relay"], "money_in", "not both"),
        ([], None, "name a worker"),
    ],
)
def test_what_is_no_worker_nor_group_is_refused_naming_the_choices(
    names: list[str], group: str | None, says: str
) -> None:
    with pytest.raises(UnknownWorker, match=says):
        resolve(names, group)


def test_the_command_refuses_an_unknown_group_before_connecting_anything() -> None:
    result = CliRunner().invoke(app, ["worker", "--group", "nope"])
    assert result.exit_code == 2
    assert "unknown group 'nope'" in result.output
    assert "money_in" in result.output


def test_a_group_runs_the_union_of_its_workers_checks_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text('{"version": "x", "rules": [{"type": "nope"}]}')
    monkeypatch.setenv("ONRAMP_COMPLIANCE__MONITORING_RULES_FILE", str(bad))
    monkeypatch.setenv("ONRAMP_DATABASE__URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    for args in (["--group", "money_in"], ["all"], ["audit", "orders"]):
        result = CliRunner().invoke(app, ["worker", *args])
        assert result.exit_code == 1, (args, result.output)
        assert f"monitoring_rules_invalid: {bad}" in result.stderr
