"""deploy/k8s: both overlays build and pass tools/check_k8s.py; and the check itself fails on
what it is there to catch (a wrongly typed field of a custom resource, a misspelt CloudNativePG
key, an unknown field of a built-in kind, a pod that may write its root filesystem)."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from onramp.core.settings import Settings

TOOL = Path(__file__).resolve().parents[3] / "tools" / "check_k8s.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_k8s", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check = _load_tool()


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = check.build("production")
    return objects


def _one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1
    return copy.deepcopy(found[0])


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_each_overlay_builds_and_validates(overlay: str) -> None:
    objects = check.build(overlay)
    assert list(check.schema_problems(objects)) == []
    assert list(check.pod_problems(objects)) == []


def test_the_zones_of_seed_003(production: list[dict[str, Any]]) -> None:
    kinds = {(o["kind"], o["metadata"]["name"]) for o in production}
    # The API is the only thing an Ingress routes to; the chain zone alone reaches the HSM.
    assert [name for kind, name in kinds if kind == "Ingress"] == ["onramp-api"]
    hsm = _one(production, "NetworkPolicy", "chain-to-hsm-and-rpc")
    assert hsm["spec"]["podSelector"] == {"matchLabels": {"onramp.io/zone": "chain"}}
    chain = _one(production, "Deployment", "onramp-worker-chain")
    assert chain["spec"]["template"]["metadata"]["labels"]["onramp.io/zone"] == "chain"
    assert chain["spec"]["strategy"]["type"] == "Recreate"  # never two payout writers
    # Production's site addresses replace the documentation ranges of the base.
    assert hsm["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == "10.20.0.10/32"
    assert ("Rollout", "onramp-api") in kinds
    assert ("Cluster", "onramp-db") in kinds


def test_a_wrongly_typed_rollout_field_is_caught(production: list[dict[str, Any]]) -> None:
    rollout = _one(production, "Rollout", "onramp-api")
    rollout["spec"]["strategy"]["blueGreen"]["activeService"] = 5
    problems = list(check.schema_problems([rollout]))
    assert problems
    assert "activeService" in problems[0]


def test_a_misspelt_cloudnativepg_key_is_caught(production: list[dict[str, Any]]) -> None:
    cluster = _one(production, "Cluster", "onramp-db")
    cluster["spec"]["instanses"] = 3
    problems = list(check.schema_problems([cluster]))
    assert problems
    assert "instanses" in problems[0]


def test_an_unknown_field_of_a_built_in_kind_is_caught(production: list[dict[str, Any]]) -> None:
    job = _one(production, "Job", "onramp-migrate")
    job["spec"]["backofLimit"] = 2
    assert list(check.schema_problems([job]))


def test_a_pod_that_may_write_its_root_filesystem_is_caught(
    production: list[dict[str, Any]],
) -> None:
    worker = _one(production, "Deployment", "onramp-worker-core")
    worker["spec"]["template"]["spec"]["containers"][0]["securityContext"].pop(
        "readOnlyRootFilesystem"
    )
    problems = list(check.pod_problems([worker]))
    assert problems == [
        "Deployment/onramp-worker-core container worker: the root filesystem must be read-only"
    ]


# Read by the image's health check (deploy/healthcheck.py), not by Settings.
NOT_SETTINGS = {"ONRAMP_HEALTH_PORT"}


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_every_setting_the_manifests_give_is_one_onramp_reads(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (config,) = [
        o
        for o in check.build(overlay)
        if o["kind"] == "ConfigMap" and "onramp-config" in o["metadata"]["name"]
    ]
    for name, value in config["data"].items():
        if name not in NOT_SETTINGS and name != "ONRAMP_ENV":  # production wants real secrets
            monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.nats.url == "nats://nats:4222"
    if overlay == "production":
        assert settings.nats.replicas == 3
        assert settings.chain.chain_id == 1
