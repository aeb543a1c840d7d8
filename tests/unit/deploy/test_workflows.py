"""The GitHub Actions workflow runs what .ci/run runs, in the same order: the two cannot drift
(a step added to one and not the other fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def _ci_run_steps() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return [line.strip() for line in lines if re.match(r"^\s*make\b", line)]


def _workflow_steps() -> list[str]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    return [step["run"].strip() for step in steps if "run" in step]


def test_the_workflow_runs_what_ci_run_runs() -> None:
    assert _ci_run_steps() == [
        "make lint",
        "make security",
        "make test",
        "make faults-ci",
        "make demo",
    ]
    assert _workflow_steps() == _ci_run_steps()


def test_the_workflow_runs_in_ci_mode_within_the_time_ci_gets() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    check = workflow["jobs"]["check"]
    assert check["env"]["CI"] == "true"
    assert check["timeout-minutes"] <= 90
    image = workflow["jobs"]["image"]
    assert image["needs"] == "check"
    assert any("deploy/Dockerfile" in step.get("run", "") for step in image["steps"])
