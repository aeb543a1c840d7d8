"""Every code block the docs mark ``<!-- runnable -->`` runs and exits 0, printing exactly the
``<!-- output -->`` block after it where the page shows one (tools/docs_runnable.py). Blocks
marked ``<!-- runnable: stack -->`` run against the test stack (tests/e2e/test_doc_blocks.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.tools import ROOT, load_tool

runnable = load_tool("docs_runnable")
BLOCKS = [block for block in runnable.all_blocks() if not block.on_stack]


def test_the_guides_have_runnable_blocks() -> None:
    # The mechanism is only worth something while the guides use it.
    pages = {block.page for block in BLOCKS}
    assert {"guides/webhook-signatures.md", "deployment/local.md"} <= pages


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_block_runs(block: runnable.Block, tmp_path: Path) -> None:
    command = (
        ["bash", "-euo", "pipefail", "-c"] if block.language == "bash" else [sys.executable, "-c"]
    )
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "TMPDIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603 - the docs' own blocks, marked safe to run
        [*command, block.code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{block.name} exited {done.returncode}:\n{done.stderr}"
    if block.expected is not None:
        assert done.stdout == block.expected, f"{block.name} printed:\n{done.stdout}"


def test_a_block_that_fails_or_prints_otherwise_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- runnable -->\n```bash\necho 41\n```\n\n<!-- output -->\n```text\n42\n```\n"
    )
    (block,) = runnable.blocks_of(page, tmp_path)
    assert block.expected == "42\n"
    assert block.code == "echo 41\n"
    assert block.name == "page.md:2"
    wrong = tmp_path / "wrong.md"
    wrong.write_text("<!-- runnable -->\n```ruby\nputs 1\n```\n")
    with pytest.raises(ValueError, match="bash or python"):
        runnable.blocks_of(wrong, tmp_path)
    remote = tmp_path / "remote.md"
    remote.write_text('<!-- runnable: stack -->\n```sh\ncurl -fsS "$ONRAMP_URL/healthz"\n```\n')
    (call,) = runnable.blocks_of(remote, tmp_path)
    assert call.on_stack
    assert call.language == "bash"
