"""deploy/k8s: both overlays build and pass tools/check_k8s.py; and the check itself fails on
what it is there to catch (a wrongly typed field of a custom resource, a misspelt CloudNativePG
key, an unknown field of a built-in kind, a pod that may write its root filesystem, a worker
group the code does not know, a worker no Deployment runs)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from onramp.core.settings import Settings
from onramp.runtime.workers import GROUPS
from tests.unit.tools.loading import load_tool

TOOL = Path(__file__).resolve().parents[3] / "tools" / "check_k8s.py"


check = load_tool("check_k8s")


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
    for name in ("onramp-worker-money-out", "onramp-worker-reserves"):  # they sign
        chain = _one(production, "Deployment", name)
        assert chain["spec"]["template"]["metadata"]["labels"]["onramp.io/zone"] == "chain"
    # Production's site addresses replace the documentation ranges of the base.
    assert hsm["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == "10.20.0.10/32"
    assert ("Rollout", "onramp-api") in kinds
    assert ("Cluster", "onramp-db") in kinds
    # Every pod opens its keyring on the HSM's data partition, at an address of its own.
    keyring = _one(production, "NetworkPolicy", "pods-to-keyring-hsm")
    assert keyring["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "onramp"}}
    assert keyring["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == "10.20.0.11/32"
    assert list(check.signing_secret_problems(production)) == []


def test_the_signing_pin_outside_the_chain_zone_is_caught(
    production: list[dict[str, Any]],
) -> None:
    api = _one(production, "Rollout", "onramp-api")
    api["spec"]["template"]["spec"]["containers"][0]["envFrom"].append(
        {"secretRef": {"name": "onramp-chain-secrets"}}
    )
    assert list(check.signing_secret_problems([api])) == [
        "Rollout/onramp-api: only the chain zone's pods may have onramp-chain-secrets"
    ]
    payouts = _one(production, "Deployment", "onramp-worker-money-out")
    payouts["spec"]["template"]["spec"]["containers"][0]["envFrom"] = [
        {"configMapRef": {"name": "onramp-config"}}
    ]
    assert list(check.signing_secret_problems([payouts])) == [
        "Deployment/onramp-worker-money-out: a chain zone pod signs and needs onramp-chain-secrets"
    ]


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
    worker = _one(production, "Deployment", "onramp-worker-money-in")
    worker["spec"]["template"]["spec"]["containers"][0]["securityContext"].pop(
        "readOnlyRootFilesystem"
    )
    problems = list(check.pod_problems([worker]))
    assert problems == [
        "Deployment/onramp-worker-money-in container worker: the root filesystem must be read-only"
    ]


def _deployed_groups(objects: list[dict[str, Any]]) -> set[str]:
    return {
        o["spec"]["template"]["spec"]["containers"][0]["args"][2]
        for o in objects
        if o["kind"] == "Deployment" and o["metadata"]["name"].startswith("onramp-worker-")
    }


def test_the_worker_deployments_run_the_code_s_groups(production: list[dict[str, Any]]) -> None:
    assert _deployed_groups(production) == set(GROUPS)
    assert list(check.worker_problems(production)) == []


def test_a_group_the_code_does_not_know_is_caught(production: list[dict[str, Any]]) -> None:
    worker = _one(production, "Deployment", "onramp-worker-money-in")
    worker["spec"]["template"]["spec"]["containers"][0]["args"] = ["worker", "--group", "core"]
    others = [o for o in production if o["metadata"]["name"] != "onramp-worker-money-in"]
    problems = list(check.worker_problems([*others, worker]))
    assert problems[0].startswith(
        "Deployment/onramp-worker-money-in container worker: no worker group 'core'"
    )
    # ... and money_in's workers now run nowhere
    assert "worker 'relay' runs in no Deployment" in problems


def test_an_unknown_worker_name_is_caught(production: list[dict[str, Any]]) -> None:
    worker = _one(production, "Deployment", "onramp-worker-back-office")
    worker["spec"]["template"]["spec"]["containers"][0]["args"] = ["worker", "audit", "sealer"]
    assert list(check.worker_problems([worker]))[0] == (
        "Deployment/onramp-worker-back-office container worker: no worker 'sealer'"
    )


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
