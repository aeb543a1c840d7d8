"""The guides' API calls run: each block the docs mark ``<!-- runnable: stack -->`` runs against
the test stack as a newly registered, verified customer (``ONRAMP_URL``, ``EMAIL``,
``PASSWORD``, ``TOKEN``) and exits 0 (tools/docs_runnable.py). A guide whose request no longer
matches the API (a renamed field, a missing one) fails here."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from onramp.devstack.stack import Stack
from tests.docs.tools import ROOT, load_tool
from tests.e2e.conftest import register
from tests.e2e.mfa_people import PASSWORD

pytestmark = pytest.mark.integration

runnable = load_tool("docs_runnable")
BLOCKS = [block for block in runnable.all_blocks() if block.on_stack]


def test_the_api_guides_have_blocks_run_on_a_stack() -> None:
    pages = {block.page for block in BLOCKS}
    assert {"guides/authentication.md", "guides/idempotency.md", "guides/pagination.md"} <= pages


async def _run(block: runnable.Block, env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    done = await asyncio.create_subprocess_exec(
        "bash", "-euo", "pipefail", "-c", block.code,
        cwd=ROOT, env={**os.environ, **env, "TMPDIR": str(tmp_path)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(done.communicate(), timeout=60)
    assert done.returncode is not None
    return done.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
async def test_block_runs_against_the_stack(
    block: runnable.Block, stack: Stack, tmp_path: Path
) -> None:
    assert block.language == "bash", f"{block.name}: stack blocks are shell"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        customer = await register(client, stack)
        token = client.headers["Authorization"].removeprefix("Bearer ")
    env = {
        "ONRAMP_URL": stack.api_url.rstrip("/"),
        "EMAIL": customer.email,
        "PASSWORD": PASSWORD,
        "TOKEN": token,
    }
    code, out, err = await _run(block, env, tmp_path)
    assert code == 0, f"{block.name} exited {code}:\n{err}\n{out}"
    if block.expected is not None:
        assert out == block.expected, f"{block.name} printed:\n{out}"


async def test_a_block_whose_request_the_api_refuses_fails(stack: Stack, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- runnable: stack -->\n```sh\n"
        'curl -fsS "$ONRAMP_URL/v1/orders" -H "Authorization: Bearer $TOKEN" '
        "-H 'Idempotency-Key: k' -H 'Content-Type: application/json' -d '{\"amount\": 1}'\n```\n"
    )
    (block,) = runnable.blocks_of(page, tmp_path)
    code, _, _ = await _run(
        block, {"ONRAMP_URL": stack.api_url.rstrip("/"), "TOKEN": "x"}, tmp_path
    )
    assert code != 0
