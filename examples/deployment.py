"""Deployment procedure: build the release's Kubernetes manifests for an environment with the
image it ships, validate them offline (every object against its API schema, and onramp's rules
for its pods: non-root, read-only, probes, limits — tools/check_k8s.py), then dry-run them: on
a reachable cluster ``kubectl apply --dry-run=server``, else the plan ``kubectl apply`` would
follow. Needs no running stack and changes nothing.

    .venv/bin/python examples/deployment.py [staging|production] [--image REF]

The image itself is built with `make image` (podman; docs/deploy.md) and pushed by CI.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from _stack import ROOT, say

sys.path.insert(0, str(ROOT / "tools"))
from check_k8s import KUBECTL, pod_problems, schema_problems  # noqa: E402

OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"
IMAGE = "ghcr.io/onramp/onramp"  # as the base and overlays name it


def build(environment: str, image: str) -> list[dict[str, Any]]:
    """The overlay with the release's image pinned: a kustomization of its own on top of it,
    as a pipeline writes one per release (the repository's overlays stay untouched)."""
    name, _, tag = image.rpartition(":")
    with tempfile.TemporaryDirectory() as release:
        (Path(release) / "kustomization.yaml").write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "kustomize.config.k8s.io/v1beta1",
                    "kind": "Kustomization",
                    "resources": [os.path.relpath(OVERLAYS / environment, release)],
                    "images": [{"name": IMAGE, "newName": name, "newTag": tag}],
                }
            )  # fmt: skip
        )
        built = subprocess.run(  # noqa: S603 - our own paths
            [KUBECTL, "kustomize", "--load-restrictor", "LoadRestrictionsNone", release],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def images(objects: list[dict[str, Any]]) -> set[str]:
    found = set()
    for obj in objects:
        spec = obj.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec", {})
        found |= {c["image"] for c in pod.get("containers", []) + pod.get("initContainers", [])}
    return found


def cluster_reachable() -> bool:
    probe = subprocess.run(  # noqa: S603 - our own kubectl
        [KUBECTL, "version", "--request-timeout=3s"], capture_output=True, check=False
    )
    return probe.returncode == 0


def dry_run(objects: list[dict[str, Any]]) -> None:
    manifest = yaml.safe_dump_all(objects)
    if cluster_reachable():
        subprocess.run(  # noqa: S603 - our own kubectl
            [KUBECTL, "apply", "--dry-run=server", "-f", "-"], input=manifest, text=True,
            check=True,
        )  # fmt: skip
        return
    say("dry run      no cluster reachable: the plan `kubectl apply` would follow")
    for kind, count in Counter(obj["kind"] for obj in objects).items():
        say(f"             {count:3} {kind}")
    say("             then: the migrate Job runs first, the API rolls out canary-first")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "environment", nargs="?", default="staging", choices=["staging", "production"]
    )
    parser.add_argument("--image", default=f"{IMAGE}:0.1.0")
    args = parser.parse_args()

    objects = build(args.environment, args.image)
    say(
        f"build        {args.environment}: {len(objects)} objects, images {sorted(images(objects))}"
    )
    if args.image not in images(objects):
        raise SystemExit(f"the release image {args.image} is not what the pods run")

    problems = list(schema_problems(objects)) + list(pod_problems(objects))
    for problem in problems:
        say(f"invalid      {problem}")
    if problems:
        raise SystemExit(f"{len(problems)} problems: not deploying")
    say("validate     every object matches its schema; every pod follows onramp's rules")

    dry_run(objects)
    say(f"deployment   {args.environment} ready to apply: kubectl apply -k <release dir>")


if __name__ == "__main__":
    main()
