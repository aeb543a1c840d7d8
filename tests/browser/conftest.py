"""Browser tests: Playwright drives Debian's Chromium (``make install`` puts it on PATH; no
browser is ever downloaded) against the test stack's API process, which serves the web UI.

Every page a test reaches goes through ``look``: axe-core (the node_modules copy the app serves
under /static) must find no serious or critical violation, the page must have broken no rule of
its CSP, and with ``ONRAMP_SCREENSHOTS=<dir>`` (``make screenshots``) its picture is saved there.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from playwright.sync_api import (
    Browser,
    BrowserType,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlalchemy import text

from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.devstack.mail_sandbox import wait_for_link_token
from onramp.devstack.stack import Stack
from onramp.web.assets import asset_url

PASSWORD = "a perfectly long passphrase"
# Chromium under load (2 cores, the whole stack beside it) is slow: generous timeouts.
TIMEOUT_MS = 30_000
SERIOUS = ("serious", "critical")
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session", autouse=True)
def _stack_before_the_browser(stack: Stack) -> None:
    """The stack starts first: it runs event loops of its own, which cannot start inside the
    one Playwright's sync API keeps running."""


# pytest-playwright keeps Playwright (and the event loop its sync API runs) for the whole
# session; the async tests that run after this package need the thread's loop free again. So
# Playwright, the browser type and the browser live for this package only.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    chromium: BrowserType = getattr(playwright, browser_name)
    return chromium


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    chromium = launch_browser()
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    chromium = shutil.which("chromium")
    assert chromium, "Chromium is not installed: `make install` installs Debian's chromium"
    # As root, Chromium refuses to start with its sandbox.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    return {"executable_path": chromium, "args": args, "timeout": 60_000}


@pytest.fixture(scope="session")
def base_url(stack: Stack) -> str:
    assert stack.api_url, "the stack's API is not running"
    return stack.api_url


@pytest.fixture
def browser_context_args(base_url: str) -> dict[str, Any]:
    return {"base_url": base_url, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def web(page: Page) -> Page:
    """A fresh browser context's page that records what its CSP refused."""
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", on_console)
    page.csp_refusals = refused  # type: ignore[attr-defined]
    return page


def look(page: Page, name: str) -> None:
    """The page as a person meets it: accessible, within its CSP, and photographed."""
    page.add_script_tag(url=asset_url("axe.js"))  # same origin: the CSP allows it
    violations: list[str] = page.evaluate(
        """async (serious) => (await axe.run()).violations
            .filter(v => serious.includes(v.impact))
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(' | ')}`)""",
        list(SERIOUS),
    )
    assert not violations, f"{name}: {violations}"
    refused = getattr(page, "csp_refusals", [])
    assert not refused, f"{name}: the CSP refused {refused}"
    if folder := os.environ.get("ONRAMP_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def new_email(kind: str = "customer") -> str:
    return f"{kind}.{uuid.uuid4().hex[:12]}@example.com"


def emailed_token(stack: Stack, email: str, link_path: str = "/verify-email") -> str:
    return wait_for_link_token(stack.mail.url, to=email, link_path=link_path)


def sign_up(page: Page, *, email: str, full_name: str = "Ada Lovelace") -> None:
    page.goto("/app/sign-up")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()


def sign_in(page: Page, *, email: str) -> None:
    page.goto("/app/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def run_sql(stack: Stack, statement: str, **params: Any) -> None:
    """One statement in its own unit of work, on a loop of its own (the tests are sync)."""

    async def run() -> None:
        engine = create_engine(stack.settings.database.url, pool_size=1, max_overflow=0)
        try:
            async with unit_of_work(session_factory(engine)) as session:
                await session.execute(text(statement), params)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def staff_member(web: Page, stack: Stack, role: str) -> str:
    """Signs up in the browser, then is made ``role`` as an admin's approved change would."""
    email = new_email(role)
    sign_up(web, email=email)
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
    run_sql(
        stack, "UPDATE users SET role = :role WHERE id = :id", role=role, id=login.json()["user_id"]
    )
    return email


def enrol_totp(stack: Stack, email: str) -> str:
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        secret: str = api.post("/v1/me/mfa/totp").json()["secret"]
        confirmed = api.post("/v1/me/mfa/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
        assert confirmed.status_code == 200, confirmed.text
    return secret
