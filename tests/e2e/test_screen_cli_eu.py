"""``onramp screen load`` with an EU issue beside OFAC's: each source keeps its own versions,
and ``names``/``address`` screen against the latest of both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from onramp.devstack.stack import Stack

DATA = Path(__file__).resolve().parents[1] / "data"
OFAC = DATA / "ofac" / "sdn_advanced_subset.xml"
EU_2018 = DATA / "eu" / "fsf_2018-12-21_excerpt.xml"
EU_2024 = DATA / "eu" / "fsf_2024-12-11_excerpt.xml"
SEMENOV_ETH = "0xdcbEfFBECcE100cCE9E4b153C4e15cB885643193"


def onramp(*args: str, env: dict[str, str]) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "onramp", "screen", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_eu_issues_load_beside_ofac_and_are_screened(
    infra: Stack, migrated_database: str, tmp_path: Path
) -> None:
    # A configured OFAC default format does not apply to a file given on the command line.
    env = infra.env() | {
        "ONRAMP_DATABASE__URL": migrated_database,
        "ONRAMP_COMPLIANCE__LIST_FORMAT": "ofac-advanced-xml",
    }
    [ofac] = onramp("load", str(OFAC), "--json", env=env)
    assert ofac["source"] == "OFAC SDN"

    [december_2018] = onramp("load", str(EU_2018), "--json", env=env)
    assert (december_2018["source"], december_2018["format"]) == ("EU FSF", "eu-fsf-xml")
    assert december_2018["new_version"] is True
    assert december_2018["added"] == ["EU-1", "EU-207"]
    assert december_2018["removed"] == []  # OFAC's entries are another source's

    [december_2024] = onramp("load", str(EU_2024), "--json", env=env)
    assert december_2024["issued"] == "2024-12-11"
    assert december_2024["removed"] == ["EU-1", "EU-207"]
    assert december_2024["added"] == ["EU-13"]

    batch = tmp_path / "batch.csv"
    batch.write_text(
        "name,date_of_birth,country\n"
        "Saddam Hussein,1937-04-28,Iraq\n"
        "Robert Gabriel Mugabe,1924-02-21,\n"
        "Roman Semenov,1987-11-08,Russia\n",
        encoding="utf-8",
    )
    saddam, mugabe, semenov = onramp("names", str(batch), env=env)
    assert (saddam["decision"], saddam["entry_uid"]) == ("hit", "EU-13")
    assert mugabe["decision"] == "clear"  # not in the latest EU issue
    assert (semenov["decision"], semenov["entry_uid"]) == ("hit", "44718")
    [address] = onramp("address", SEMENOV_ETH, env=env)
    assert (address["decision"], address["entry_uid"]) == ("hit", "44718")
