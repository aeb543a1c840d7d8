"""The site's Mermaid diagrams draw: Debian's Chromium (as tests/browser drives it, never a
downloaded browser) opens every built page that has one, and each block must become an SVG
with no "Syntax error" in it. A diagram that does not parse is otherwise an error box nobody
looks at. MkDocs Material draws each into a closed shadow root; the test opens them (an init
script makes ``attachShadow`` open) to read what was drawn.

And the container diagram names every worker, each once, in the zone whose deployment runs its
group (deploy/k8s/base/workers.yaml)."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

from onramp.runtime import GROUPS, WORKERS
from tests.docs.tools import ROOT

MERMAID_BLOCK = re.compile(r'<pre class="mermaid">')
OPEN_SHADOWS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
    return attach.call(this, {...init, mode: "open"});
};
"""
DRAWN = """() => [...document.querySelectorAll("div.mermaid")].map(
    host => host.shadowRoot ? host.shadowRoot.innerHTML : "")"""


@pytest.fixture(scope="module")
def served(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTP server (as the dev stack serves the site: the search worker refuses file://)
    over a folder holding the built site as ``site/`` and room for a test's own pages."""
    root = tmp_path_factory.mktemp("served")
    (root / "site").symlink_to(site)
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Chromium is not installed: `make install` installs Debian's chromium"
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=args, timeout=60_000)
        yield browser
        browser.close()


def pages_with_diagrams(site: Path) -> dict[str, int]:
    counted = {
        page.relative_to(site).as_posix(): len(MERMAID_BLOCK.findall(page.read_text()))
        for page in sorted(site.rglob("*.html"))
    }
    return {page: count for page, count in counted.items() if count}


def diagram_problems(chromium: Browser, url: str, expected: int) -> list[str]:
    """What went wrong drawing the page's ``expected`` diagrams: errors the page raised (a
    diagram that does not parse rejects Material's promise), and diagrams not drawn or drawn as
    mermaid's error picture."""
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error).splitlines()[0]))
    page.add_init_script(OPEN_SHADOWS)
    try:
        page.goto(url)
        for _ in range(300):  # until all are drawn or one failed (at most a minute)
            svgs: list[str] = page.evaluate(DRAWN)
            if errors or len(svgs) >= expected:
                break
            page.wait_for_timeout(200)
    finally:
        page.close()
    bad = [i for i, svg in enumerate(svgs) if "<svg" not in svg or "Syntax error" in svg]
    drawn = [] if len(svgs) == expected else [f"{len(svgs)} of {expected} diagrams drawn"]
    return errors + drawn + [f"diagram {i} drew no picture or an error" for i in bad]


def test_the_diagram_pages_are_the_expected_ones(site: Path) -> None:
    pages = pages_with_diagrams(site)
    assert {"architecture.html", "architecture/diagrams.html", "architecture/flows.html"} <= set(
        pages
    )
    assert "reference/database.html" in pages  # drawn from the models at build time


def test_every_diagram_draws(site: Path, served: tuple[str, Path], chromium: Browser) -> None:
    base = served[0]
    failed = {
        page: problems
        for page, count in pages_with_diagrams(site).items()
        if (problems := diagram_problems(chromium, f"{base}/site/{page}", count))
    }
    assert not failed


def test_a_broken_diagram_is_caught(
    site: Path, served: tuple[str, Path], chromium: Browser
) -> None:
    base, root = served
    (root / "broken" / "architecture").mkdir(parents=True)
    for shared in ("assets", "search"):
        (root / "broken" / shared).symlink_to(site / shared)
    html = (site / "architecture" / "diagrams.html").read_text()
    broken = html.replace("flowchart LR", "flowchart LR\n    a[[[ ]", 1)
    (root / "broken" / "architecture" / "diagrams.html").write_text(broken)
    url = f"{base}/broken/architecture/diagrams.html"
    assert diagram_problems(chromium, url, 4)[:2] == [
        "Parse error on line 2:",
        "3 of 4 diagrams drawn",
    ]


# The container diagram's zones and the workers in each, against the manifests.
CONTAINERS = ROOT / "docs" / "architecture" / "diagrams.md"
WORKER_MANIFESTS = ROOT / "deploy" / "k8s" / "base" / "workers.yaml"
SUBGRAPH = re.compile(r"^\s*subgraph \w+\[(?P<zone>[^\]]+)\]\s*$")
NODE = re.compile(r"^\s*\w+\[(?P<label>[^\]]+)\]\s*$")


def diagram(markdown: str, heading: str) -> str:
    section = markdown.split(f"## {heading}\n", 1)[1]
    return section.split("```mermaid\n", 1)[1].split("```", 1)[0]


def workers_by_zone(mermaid: str) -> dict[str, list[str]]:
    """Each subgraph's workers: the names before a label's colon, comma-separated."""
    zones: dict[str, list[str]] = {}
    zone = None
    for line in mermaid.splitlines():
        if match := SUBGRAPH.match(line):
            zone = match.group("zone")
            zones[zone] = []
        elif line.strip() == "end":
            zone = None
        elif zone and (match := NODE.match(line)):
            names = match.group("label").split(":", 1)[0]
            zones[zone] += [name.strip() for name in names.split(",")]
    return zones


def deployed_zones() -> dict[str, str]:
    """Each worker's zone: the zone label of the deployment that runs its group."""
    zone_of: dict[str, str] = {}
    for manifest in yaml.safe_load_all(WORKER_MANIFESTS.read_text()):
        if not manifest or manifest.get("kind") != "Deployment":
            continue
        pod = manifest["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        group = container["args"][container["args"].index("--group") + 1]
        for worker in GROUPS[group]:
            zone_of[worker] = pod["metadata"]["labels"]["onramp.io/zone"]
    return zone_of


def test_the_container_diagram_places_every_worker_in_its_zone() -> None:
    deployed = deployed_zones()
    zones = workers_by_zone(diagram(CONTAINERS.read_text(), "Containers"))
    drawn = [(w, zone) for zone, ws in zones.items() if zone in deployed.values() for w in ws]
    assert sorted(w for w, _ in drawn) == sorted(WORKERS)  # every worker, once, nothing else
    assert dict(drawn) == deployed


def test_a_worker_drawn_in_another_zone_is_caught() -> None:
    mermaid = "flowchart LR\n subgraph a[internal]\n  r[relay: x]\n  b[audit, recon]\n end\n"
    assert workers_by_zone(mermaid) == {"internal": ["relay", "audit", "recon"]}
    assert deployed_zones()["recon"] == "chain"
