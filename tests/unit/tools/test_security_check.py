"""tools/security_check.py (`make security`): each check fails on what it is there to catch, and
an advisory source that does not answer is a SKIP that says why, never a pass."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.unit.tools.loading import load_tool

tool = load_tool("security_check")


def _answer(stdout: str, returncode: int = 1, stderr: str = "") -> Any:
    def fake_run(command: list[str], cwd: Path = tool.ROOT) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)

    return fake_run


def test_bandit_fails_on_a_shell_call(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "import subprocess\n\n\ndef go(x):\n    subprocess.call(x, shell=True)\n"
    )
    result = tool.bandit(str(tmp_path))
    assert result.status == "FAIL"
    assert "B602" in result.detail


def test_bandit_passes_a_clean_file(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    assert tool.bandit(str(tmp_path)).status == "PASS"


def test_a_committed_key_is_a_secret_unless_the_baseline_has_it(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('AWS_KEY = "AKIAIOSFODNN7EXAMPLE"\n')
    for command in (["init", "-q"], ["add", "settings.py"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True)  # noqa: S603, S607
    scan = tool.secrets_scan(tmp_path)
    empty: dict[str, Any] = {"results": {}}
    assert tool.new_secrets(scan, empty) == ["settings.py:1: AWS Access Key"]
    moved = json.loads(json.dumps(scan))
    moved["results"]["settings.py"][0]["line_number"] = 7
    assert tool.new_secrets(scan, moved) == []


def test_licence_expressions() -> None:
    allowed = {"MIT", "Apache-2.0", "MPL-2.0", "BSD-3-Clause"}
    assert tool.allowed_expression("MIT OR GPL-3.0", allowed)
    assert tool.allowed_expression("MPL-2.0 AND (Apache-2.0 OR MIT)", allowed)
    assert tool.allowed_expression("Mozilla Public License 2.0 (MPL 2.0)", allowed)
    assert tool.allowed_expression("MIT License", allowed)
    assert not tool.allowed_expression("GPL-3.0", allowed)
    assert not tool.allowed_expression("MIT AND GPL-3.0", allowed)
    assert not tool.allowed_expression("UNKNOWN", allowed)


def test_a_package_outside_the_allow_list_fails_unless_named() -> None:
    packages = [("left-pad", "MIT"), ("copyleft", "AGPL-3.0"), ("pycountry", "LGPL-2.1-only")]
    refused = tool.refused(packages, {"MIT"}, {"pycountry": "imported unmodified"})
    assert refused == ["copyleft: AGPL-3.0"]


def test_the_project_licence_policy_reads_and_the_dependencies_pass() -> None:
    allowed, exceptions = tool.licence_policy()
    assert "MIT" in allowed
    assert "GPL-3.0" not in allowed
    assert all(why for why in exceptions.values())
    assert tool.licences().status == "PASS"


def test_npm_audit_unavailable_endpoint_is_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    refused = {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "error": {"summary": "", "detail": ""},
    }
    stderr = "npm error audit endpoint returned an error\n"
    monkeypatch.setattr(tool, "run", _answer(json.dumps(refused), stderr=stderr))
    result = tool.npm_audit()
    assert result.status == "SKIP"
    assert "405" in result.detail


def test_npm_audit_high_advisory_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    report = {
        "metadata": {"vulnerabilities": {"low": 2, "high": 1, "critical": 0, "total": 3}},
        "vulnerabilities": {"js-yaml": {"severity": "high"}, "x": {"severity": "low"}},
    }
    monkeypatch.setattr(tool, "run", _answer(json.dumps(report)))
    result = tool.npm_audit()
    assert result.status == "FAIL"
    assert "js-yaml" in result.detail


def test_npm_audit_low_advisories_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    report = {"metadata": {"vulnerabilities": {"low": 2, "high": 0, "critical": 0, "total": 2}}}
    monkeypatch.setattr(tool, "run", _answer(json.dumps(report), returncode=0))
    assert tool.npm_audit().status == "PASS"


def test_npm_audit_other_failure_is_no_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tool, "run", _answer("", stderr="npm error code EUSAGE\n"))
    assert tool.npm_audit().status == "FAIL"


def test_pip_audit_unreachable_source_is_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tool, "reachable", lambda url: f"{url} unreachable (no route)")
    result = tool.pip_audit()
    assert result.status == "SKIP"
    assert "unreachable" in result.detail


def test_pip_audit_vulnerable_distribution_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "2.0", "vulns": [{"id": "PYSEC-2019-217"}]},
            {"name": "idna", "version": "3.10", "vulns": []},
        ]
    }
    monkeypatch.setattr(tool, "reachable", lambda url: None)
    monkeypatch.setattr(tool, "run", _answer(json.dumps(report)))
    result = tool.pip_audit()
    assert result.status == "FAIL"
    assert "jinja2 2.0: PYSEC-2019-217" in result.detail
