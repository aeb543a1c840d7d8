"""The served OpenAPI document generates a complete client with a standard generator
(openapi-python-client, pinned in tools/openapi-client-requirements.txt, installed into
.venv-openapi by `make install`): any warning means an operation, a body or a response the
generator dropped, so the test fails on one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from onramp.core.settings import Settings
from onramp.runtime.app import create_app

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / ".venv-openapi" / "bin" / "openapi-python-client"

# The generator reads only JSON bodies, forms and application/octet-stream by default; its
# content_type_overrides is how a client says "treat this type as bytes". post_hooks: [] keeps it
# from running ruff over the output (nothing to tidy in a throwaway client).
CONFIG = """\
content_type_overrides:
  text/csv: application/octet-stream
  application/xml: application/octet-stream
post_hooks: []
"""


async def _served_document() -> bytes:
    app = create_app(Settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        answer = await client.get("/openapi.json")
    answer.raise_for_status()
    return answer.content


async def test_the_served_document_generates_a_client_without_a_warning(tmp_path: Path) -> None:
    assert GENERATOR.exists(), "run `make install` (it installs .venv-openapi)"
    document = tmp_path / "openapi.json"
    document.write_bytes(await _served_document())
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    out = tmp_path / "client"
    done = subprocess.run(
        [GENERATOR, "generate", "--path", document, "--output-path", out, "--meta", "none",
         "--config", config],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 0, said
    assert said == [f"Generating {out}"], "\n".join(said)
    operations = sum(
        1 for item in json.loads(document.read_bytes())["paths"].values() for _ in item
    )
    modules = [p for p in (out / "api").rglob("*.py") if p.name != "__init__.py"]
    assert len(modules) == operations
    # The two operations the issue found dropped are there, the CSV body as raw bytes.
    screen = next((out / "api" / "compliance").glob("screen_names_*.py")).read_text()
    assert 'headers["Content-Type"] = "text/csv"' in screen
    assert next((out / "api" / "compliance_cases").glob("assign_*.py"), None) is not None
    compiled = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", out], capture_output=True, check=False
    )
    assert compiled.returncode == 0, compiled.stdout


def test_every_schema_name_is_unique_without_a_module_prefix() -> None:
    """FastAPI names a schema by its module (``onramp__kyc__schemas__LimitsOut``) when two
    models share a class name: generators then drop one of them."""
    schemas = create_app(Settings()).openapi()["components"]["schemas"]
    assert not [name for name in schemas if "__" in name]
