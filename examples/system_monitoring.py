"""System monitoring, as an operator on call looks at it: liveness and readiness, the metrics
of the API and of every worker, the firing alerts, the latest reconciliation and its open
breaks, the treasury's liquidity states and the audit chain — signed in as the sample auditor
(read-only; `onramp samples load` creates it, with its authenticator).

    .venv/bin/onramp samples load                       # once: the sample staff
    .venv/bin/python examples/system_monitoring.py      # against a running `onramp dev`
"""

from __future__ import annotations

import json
from collections import Counter

import httpx

from _stack import ROOT, say, stack
from onramp_client import ApiError, Authenticator, Client


def scrape(url: str) -> dict[str, float]:
    """The samples of a Prometheus text exposition, by series (no labels parsed)."""
    text = httpx.get(url, timeout=10.0, trust_env=False).raise_for_status().text
    series = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            series[name] = float(value)
    return series


def main() -> None:
    where = stack()
    staff = json.loads((ROOT / "samples" / "users" / "staff.json").read_text())
    auditor = next(p for p in staff["staff"] if p["role"] == "auditor")
    with Client(where["api"]) as api:
        live, ready = api.get("/healthz")["status"], api.get("/readyz")["status"]
        say(f"health       /healthz {live}, /readyz {ready}")
        for process, url in sorted(where["metrics"].items()):
            series = scrape(url)
            onramp = sorted({s.split("{")[0] for s in series if s.startswith("onramp_")})
            say(
                f"metrics      {process:<24} {len(series):5} series, {len(onramp)} onramp_* metrics"
            )

        try:
            api.login(
                auditor["email"], staff["password"], totp=Authenticator(auditor["totp_secret"])
            )
        except ApiError as error:
            raise SystemExit(f"{error.code}: run `.venv/bin/onramp samples load` first") from error
        say(f"signed in    as {auditor['email']} (auditor, read-only)")

        alerts = list(api.paginate("/v1/admin/alerts", limit=50))
        states = Counter(a["state"] for a in alerts)
        say(
            f"alerts       {len(alerts)}: "
            + (", ".join(f"{n} {s}" for s, n in states.items()) or "none")
        )
        for alert in alerts:
            if alert["state"] == "firing":
                say(f"             {alert['severity']:<8} {alert['rule']}: {alert['summary']}")
                say(f"             runbook {alert['runbook']}")

        runs = api.get("/v1/admin/recon/runs", {"limit": 1})["data"]
        latest = f"latest {runs[0]['date']}" if runs else "no run yet (the recon worker runs daily)"
        breaks = list(api.paginate("/v1/admin/recon/breaks", {"state": "open"}, limit=100))
        say(f"recon        {latest}; {len(breaks)} open breaks")

        wallets = api.get("/v1/admin/treasury/wallets")["data"]
        say("treasury     " + ", ".join(f"{w['name']} {w['state']}" for w in wallets))

        chain = api.get("/v1/admin/audit/verification")
        verdict = "intact" if chain["intact"] else "BROKEN"
        say(f"audit        chain {verdict}, {chain['sealed']} records sealed")
        if not chain["intact"]:
            raise SystemExit(f"the audit chain is broken: {chain['problems']}")
    say("monitoring   done")


if __name__ == "__main__":
    main()
