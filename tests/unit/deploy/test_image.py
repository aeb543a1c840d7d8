"""deploy/Dockerfile: the properties an operator relies on, read from the file (hadolint checks
its style in `make lint`): bases pinned by digest, compilers only in the build stage, a user
that is not root, a HEALTHCHECK; and the health check script answers as the probe expects."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"


def _stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = ""
    for line in DOCKERFILE.read_text().splitlines():
        match = re.match(r"FROM \S+ AS (\w+)", line)
        if match:
            current = match.group(1)
            stages[current] = []
        elif current:
            stages[current].append(line)
    return stages


def test_every_base_is_pinned_by_digest() -> None:
    args = re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert args
    for _, image in args:
        assert re.search(r"@sha256:[0-9a-f]{64}$", image), image
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE.read_text(), re.MULTILINE)
    assert all(f in {"${PYTHON_IMAGE}", "${NODE_IMAGE}"} for f in froms)


def test_the_final_image_has_no_compiler_runs_as_a_user_and_checks_its_health() -> None:
    stages = _stages()
    assert list(stages) == ["assets", "build", "runtime"]
    runtime = "\n".join(stages["runtime"])
    assert "build-essential" in "\n".join(stages["build"])
    assert "apt-get install" not in runtime
    assert re.search(r"^USER 10001:10001$", runtime, re.MULTILINE)
    assert "HEALTHCHECK" in runtime
    # The artifacts the code finds beside it (core/settings/base.py REPO_ROOT) are baked in.
    for path in ("contracts/artifacts", "migrations", "alembic.ini", "samples"):
        assert f"COPY {path} " in runtime


def test_the_build_context_sends_only_what_the_image_copies() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1] == "*"  # allow-list: .venv, .onramp, node_modules and secrets stay out
    assert "src/onramp/web/static/" in ignore  # rebuilt in the image, never copied


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[http.server.HTTPServer]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


def _probe(port: int) -> int:
    env = {"ONRAMP_HEALTH_PORT": str(port), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(HEALTHCHECK)], env=env, check=False).returncode


def test_the_health_check_follows_healthz(server: http.server.HTTPServer) -> None:
    port = server.server_address[1]
    _Health.status = 200
    assert _probe(port) == 0
    _Health.status = 503
    assert _probe(port) == 1
    server.shutdown()
    server.server_close()
    assert _probe(port) == 1
