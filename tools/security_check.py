"""`make security`: static and supply-chain checks, one line each (issue 21).

    .venv/bin/python tools/security_check.py [--only bandit,secrets,pip-audit,npm-audit,licences]

- bandit over src/ (medium and high severity fail; a justified finding carries ``# nosec BXXX``
  with its reason on the line);
- a secrets scan of the repository's tracked files (detect-secrets) against the committed
  ``.secrets.baseline``: any finding not in it fails (a reviewed false positive is added with
  ``make secrets-baseline``);
- pip-audit of the virtualenv (against the OSV database) and npm audit of package-lock.json
  (against the npm registry's advisories), each only when its advisory source answers:
  otherwise a ``SKIP`` line that says why, never a silent pass;
- the licence of every Python distribution in the virtualenv and every npm package of
  package-lock.json against ``[tool.onramp.security]`` in pyproject.toml (an allow-list of
  licences, and named packages allowed for a stated reason); anything else fails.

Each line starts with PASS, FAIL or SKIP; the exit status is 1 when any check failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import Distribution, distributions
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASELINE = ROOT / ".secrets.baseline"
# Published OFAC lists and screenshots hold no secrets and are most of the scan's time.
SECRETS_EXCLUDE = r"^tests/data/ofac/|\.png$|^package-lock\.json$|^\.secrets\.baseline$"
# pip-audit reads the OSV advisory database (one batched query), not PyPI's per-package JSON
# API: the registry is not asked about every installed distribution one by one.
OSV_PROBE = "https://api.osv.dev/"
# npm errors that mean the registry's audit endpoint could not be reached.
NPM_UNREACHABLE = (
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "ENETUNREACH",
)

# Names that packages write for a licence, as SPDX identifiers (classifiers and free text).
LICENCE_ALIASES = {
    "mit license": "MIT",
    "apache software license": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache": "Apache-2.0",
    "bsd license": "BSD",
    "bsd 2-clause license": "BSD-2-Clause",
    "3-clause bsd license": "BSD-3-Clause",
    "bsd 3-clause license": "BSD-3-Clause",
    "isc license": "ISC",
    "isc license iscl": "ISC",
    "mozilla public license 2.0 mpl 2.0": "MPL-2.0",
    "python software foundation license": "PSF-2.0",
    "psfl": "PSF-2.0",
    "public domain": "Public-Domain",
    "the unlicense unlicense": "Unlicense",
}


@dataclass(frozen=True)
class Result:
    status: str  # PASS, FAIL or SKIP
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


def run(command: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed commands of this repository's tools
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def bandit(target: str = "src") -> Result:
    done = run(
        [
            str(BIN / "bandit"),
            *("-c", "pyproject.toml", "-r", target, "-q", "--severity-level", "medium"),
            *("-f", "custom", "--msg-template", "{relpath}:{line}: {test_id} [{severity}] {msg}"),
        ]
    )
    found = [line for line in done.stdout.splitlines() if re.match(r"^\S+:\d+: B\d+", line)]
    if done.returncode == 0 and not found:
        return Result("PASS", "bandit", f"no medium or high severity finding in {target}/")
    detail = "\n".join(found) or (done.stdout + done.stderr).strip()
    return Result(
        "FAIL", "bandit", f"{len(found)} finding(s) (fix, or '# nosec BXXX' + why)\n{detail}"
    )


def secrets_scan(root: Path = ROOT) -> dict[str, Any]:
    """detect-secrets' findings in every file git tracks under ``root``."""
    done = run([str(BIN / "detect-secrets"), "scan", "--exclude-files", SECRETS_EXCLUDE], root)
    if done.returncode != 0:
        raise RuntimeError(f"detect-secrets scan failed: {done.stderr.strip()}")
    scanned: dict[str, Any] = json.loads(done.stdout)
    return scanned


def secret_keys(scan: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(file, type, hashed secret) of every finding: line numbers move, these do not."""
    return {
        (path, found["type"], found["hashed_secret"])
        for path, findings in scan["results"].items()
        for found in findings
    }


def new_secrets(scan: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    known = secret_keys(baseline)
    return sorted(
        f"{path}:{found['line_number']}: {found['type']}"
        for path, findings in scan["results"].items()
        for found in findings
        if (path, found["type"], found["hashed_secret"]) not in known
    )


def secrets() -> Result:
    if not BASELINE.exists():
        return Result("FAIL", "secrets", f"{BASELINE.name} missing: run make secrets-baseline")
    fresh = new_secrets(secrets_scan(), json.loads(BASELINE.read_text()))
    if not fresh:
        return Result("PASS", "secrets", f"no finding outside {BASELINE.name}")
    listed = "\n".join(fresh)
    return Result(
        "FAIL",
        "secrets",
        f"{len(fresh)} possible secret(s) not in {BASELINE.name} (remove them, or review and "
        f"make secrets-baseline)\n{listed}",
    )


def reachable(url: str, timeout: float = 5) -> str | None:
    """None when the URL answers at all (any HTTP status), else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310 - fixed https URL
            return None
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError) as error:
        return f"{url} unreachable ({getattr(error, 'reason', error)})"


def pip_audit() -> Result:
    why = reachable(OSV_PROBE)
    if why is not None:
        return Result("SKIP", "pip-audit", f"advisory source {why}: not audited")
    done = run(
        [
            str(BIN / "pip-audit"),
            *("--vulnerability-service", "osv", "--skip-editable", "--progress-spinner", "off"),
            *("-f", "json"),
        ]
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        if any(code in done.stderr for code in ("ConnectionError", "Max retries", "timed out")):
            return Result(
                "SKIP", "pip-audit", f"advisory source failed: {done.stderr.strip()[-200:]}"
            )
        return Result("FAIL", "pip-audit", (done.stdout + done.stderr).strip()[-2000:])
    vulnerable = [
        f"{dep['name']} {dep['version']}: {', '.join(v['id'] for v in dep['vulns'])}"
        for dep in report.get("dependencies", [])
        if dep.get("vulns")
    ]
    audited = len(report.get("dependencies", []))
    if vulnerable:
        listed = "\n".join(vulnerable)
        return Result("FAIL", "pip-audit", f"{len(vulnerable)} vulnerable of {audited}\n{listed}")
    return Result("PASS", "pip-audit", f"{audited} distributions, no known vulnerability")


def npm_audit() -> Result:
    done = run(["npm", "audit", "--json", "--audit-level=high"])
    try:
        report = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if "vulnerabilities" not in report.get("metadata", {}):
        # The registry (or a proxy in front of it) may not serve the advisory endpoint: npm says
        # "audit endpoint returned an error" and gives the HTTP status in "message".
        text = f"{report.get('message', '')} {done.stderr}".strip()
        if any(code in text for code in NPM_UNREACHABLE) or "audit endpoint" in text:
            first = str(report.get("message") or text.splitlines()[-1])
            return Result("SKIP", "npm-audit", f"advisory source unavailable: {first[:200]}")
        return Result("FAIL", "npm-audit", f"npm audit failed: {text[:2000]}")
    counts = report["metadata"]["vulnerabilities"]
    serious = int(counts.get("high", 0)) + int(counts.get("critical", 0))
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total" and v)
    if serious:
        names = sorted(
            name
            for name, vuln in report.get("vulnerabilities", {}).items()
            if vuln.get("severity") in ("high", "critical")
        )
        return Result("FAIL", "npm-audit", f"{serious} high or critical: {', '.join(names)}")
    return Result("PASS", "npm-audit", f"no high or critical advisory ({summary or 'none at all'})")


def spdx(name: str) -> str:
    """A licence's SPDX identifier (brackets already read as spaces by ``alternatives``)."""
    cleaned = " ".join(name.split())
    return LICENCE_ALIASES.get(cleaned.lower(), cleaned)


def alternatives(expression: str) -> list[list[str]]:
    """An SPDX-like expression as OR-ed groups of AND-ed licences ("MPL-2.0 AND (Apache-2.0 OR
    MIT)" is read as all of its words having to be allowed, the strict reading)."""
    bare = expression.replace("(", " ").replace(")", " ")
    if " AND " in bare or "," in bare:
        return [[spdx(part) for part in re.split(r"\s+AND\s+|,|\s+OR\s+", bare) if part.strip()]]
    return [[spdx(part)] for part in re.split(r"\s+OR\s+", bare) if part.strip()]


def allowed_expression(expression: str, allowed: set[str]) -> bool:
    return any(all(part in allowed for part in group) for group in alternatives(expression))


def python_licence(dist: Distribution) -> str:
    """License-Expression, else the licence classifiers, else a one-line License field."""
    meta = dist.metadata
    expression = meta["License-Expression"] if "License-Expression" in meta else ""
    if expression:
        return str(expression)
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    named = [c for c in classifiers if c not in ("OSI Approved",)]
    if named:
        return " OR ".join(named)
    text = str(meta["License"] if "License" in meta else "").strip()
    if text and "\n" not in text and len(text) < 80 and text.upper() != "UNKNOWN":
        return text
    return "UNKNOWN"


def npm_licence(path: str, entry: dict[str, Any]) -> str:
    found = entry.get("license")
    if isinstance(found, str):
        return found
    # Old packages name theirs in package.json's "licenses" list, which the lock file drops.
    manifest = ROOT / path / "package.json"
    if manifest.exists():
        old = json.loads(manifest.read_text()).get("licenses") or []
        types = [item.get("type", "") for item in old if isinstance(item, dict)]
        if types:
            return " OR ".join(types)
    return "UNKNOWN"


def refused(
    packages: Iterable[tuple[str, str]], allowed: set[str], exceptions: dict[str, str]
) -> list[str]:
    return sorted(
        f"{name}: {licence}"
        for name, licence in packages
        if name.lower() not in exceptions and not allowed_expression(licence, allowed)
    )


def licence_policy() -> tuple[set[str], dict[str, str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["onramp"]["security"]
    exceptions = {name.lower(): why for name, why in config["licence_exceptions"].items()}
    return set(config["allowed_licences"]), exceptions


def licences() -> Result:
    allowed, exceptions = licence_policy()
    python = [
        (str(d.metadata["Name"]), python_licence(d))
        for d in distributions()
        if str(d.metadata["Name"]).lower() != "onramp"
    ]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    npm = [
        (path.rsplit("node_modules/", 1)[-1], npm_licence(path, entry))
        for path, entry in lock["packages"].items()
        if path
    ]
    bad = refused(python, allowed, exceptions) + refused(npm, allowed, exceptions)
    if bad:
        listed = "\n".join(bad)
        return Result(
            "FAIL",
            "licences",
            f"{len(bad)} package(s) under a licence not allowed in pyproject.toml "
            f"[tool.onramp.security]\n{listed}",
        )
    return Result(
        "PASS",
        "licences",
        f"{len(python)} Python and {len(npm)} npm packages under allowed licences",
    )


CHECKS: dict[str, Callable[[], Result]] = {
    "bandit": bandit,
    "secrets": secrets,
    "pip-audit": pip_audit,
    "npm-audit": npm_audit,
    "licences": licences,
}


def write_baseline() -> None:
    """Record today's findings as reviewed (``make secrets-baseline``), line numbers left out
    of the comparison."""
    scan = secrets_scan()
    BASELINE.write_text(json.dumps(scan, indent=2, sort_keys=True) + "\n")
    print(f"{BASELINE.name}: {sum(len(v) for v in scan['results'].values())} findings recorded")


def timed(check: Callable[[], Result]) -> tuple[Result, float]:
    started = time.monotonic()
    return check(), time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CHECKS), help="comma-separated checks")
    parser.add_argument("--write-baseline", action="store_true", help="record the secrets scan")
    args = parser.parse_args()
    if args.write_baseline:
        write_baseline()
        return 0
    # Two at a time: bandit and the secrets scan are each one busy process (the machine has two
    # cores); the lines still come in the order of the checks.
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(timed, CHECKS[name]) for name in args.only.split(",")]
        results = [job.result() for job in jobs]
    for result, seconds in results:
        print(f"{result.line()} ({seconds:.1f} s)", flush=True)
    failed = sum(result.status == "FAIL" for result, _ in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
