"""Identity numbers: login, authenticated-request overhead (session JWT, API key, OAuth client
credentials), sealed fields, KEK rotation and email-verification latency.

    .venv/bin/python bench/identity.py                       # readable table
    .venv/bin/python bench/identity.py --json > identity.json

Uses the stack of ``onramp dev`` when ``.onramp/stack.json`` exists (start it with
``ONRAMP_RATE_LIMITS__ENABLED=false``: the bench logs in from one address), else starts its own
with rate limits off and stops it afterwards. Numbers, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
from argon2 import PasswordHasher

from identity_figures import Latency, PerOperation, Rate, Section, as_json, table
from identity_keys import measure_rotation, measure_sealed_fields
from onramp.core.settings import Settings, load_settings, stack_file
from onramp.devstack.mail_sandbox import wait_for_link_token

PASSWORD = "benchmark passphrase 123"  # noqa: S105 - throwaway bench customers
LOGIN_CONCURRENCY = 4
REQUEST_CONCURRENCY = 16
LOGIN_USERS = 4


@dataclass(frozen=True)
class Target:
    """The stack under measurement."""

    api: str
    inbox: str
    settings: Settings


@dataclass(frozen=True)
class Options:
    logins: int
    requests: int
    iterations: int
    emails: int
    users: int
    extra_keys: int


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def new_email() -> str:
    return f"bench.{uuid.uuid4().hex}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def checked(response: httpx.Response) -> httpx.Response:
    if response.status_code == 429:
        raise SystemExit(
            "429 from the API: rate limits are on in this stack; restart `onramp dev` with "
            "ONRAMP_RATE_LIMITS__ENABLED=false (or stop it and let the bench start its own)"
        )
    response.raise_for_status()
    return response


async def register(client: httpx.AsyncClient, email: str) -> None:
    checked(
        await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Bench"}
        )
    )


async def log_in(client: httpx.AsyncClient, email: str) -> str:
    response = checked(
        await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    )
    token: str = response.json()["access_token"]
    return token


async def timed(call: Callable[[int], Awaitable[object]], i: int) -> float:
    start = time.perf_counter()
    await call(i)
    return time.perf_counter() - start


async def sequential(count: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    return [await timed(call, i) for i in range(count)]


async def concurrent(
    count: int, concurrency: int, call: Callable[[int], Awaitable[object]]
) -> tuple[list[float], float]:
    """Per-call latencies and the wall time of ``count`` calls, ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> float:
        async with gate:
            return await timed(call, i)

    start = time.perf_counter()
    latencies = await asyncio.gather(*(one(i) for i in range(count)))
    return list(latencies), time.perf_counter() - start


# --- 1. login ---------------------------------------------------------------------------------


async def measure_login(client: httpx.AsyncClient, logins: int) -> Section:
    emails = [new_email() for _ in range(LOGIN_USERS)]
    for email in emails:
        await register(client, email)

    async def login(i: int) -> None:
        await log_in(client, emails[i % len(emails)])

    alone = await sequential(logins, login)
    loaded, wall = await concurrent(logins * 2, LOGIN_CONCURRENCY, login)
    hasher, verify = argon2_verify_in_process(min(logins, 10))
    return Section(
        "1. login (POST /v1/auth/login; argon2id verify dominates, deliberately slow)",
        [
            Latency("sequential", alone),
            Latency(f"concurrency {LOGIN_CONCURRENCY}", loaded),
            Rate(f"concurrency {LOGIN_CONCURRENCY}", len(loaded), wall, "logins"),
            verify,
        ],
        [
            f"{LOGIN_USERS} pre-registered customers without MFA; each login opens a session",
            f"argon2id t={hasher.time_cost}, m={hasher.memory_cost} KiB, "
            f"p={hasher.parallelism} lanes: one verify already keeps both cores busy",
        ],
    )


def argon2_verify_in_process(iterations: int) -> tuple[PasswordHasher, PerOperation]:
    """The hash alone, with identity.accounts.service's parameters (argon2-cffi's defaults)."""
    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    start = time.perf_counter()
    for _ in range(iterations):
        hasher.verify(stored, PASSWORD)
    return hasher, PerOperation(
        "argon2id verify alone, in this process", iterations, time.perf_counter() - start
    )


# --- 2. authenticated requests ------------------------------------------------------------------


async def enrol_totp(client: httpx.AsyncClient, session_token: str) -> None:
    """Enrol and confirm TOTP: the confirmation also counts as this session's step-up."""
    enrolment = checked(await client.post("/v1/me/mfa/totp", headers=bearer(session_token)))
    code = pyotp.TOTP(enrolment.json()["secret"]).now()
    checked(
        await client.post(
            "/v1/me/mfa/totp/confirm", json={"code": code}, headers=bearer(session_token)
        )
    )


async def create_api_key(client: httpx.AsyncClient, session_token: str) -> tuple[str, str]:
    """(prefix, full key) of a new key that may read the profile."""
    response = checked(
        await client.post(
            "/v1/me/api-keys",
            json={"name": "bench", "scopes": ["profile:manage_own"]},
            headers=bearer(session_token),
        )
    )
    body = response.json()
    return body["prefix"], body["key"]


async def client_credentials_token(client: httpx.AsyncClient, prefix: str, key: str) -> str:
    response = checked(
        await client.post(
            "/v1/oauth/token", data={"grant_type": "client_credentials"}, auth=(prefix, key)
        )
    )
    token: str = response.json()["access_token"]
    return token


async def credentials(client: httpx.AsyncClient) -> dict[str, str]:
    """The three ways a customer's program authenticates, each as a bearer value."""
    email = new_email()
    await register(client, email)
    session_token = await log_in(client, email)
    await enrol_totp(client, session_token)
    prefix, key = await create_api_key(client, session_token)
    return {
        "session JWT": session_token,
        "API key (onr_live_...)": key,
        "client-credentials token": await client_credentials_token(client, prefix, key),
    }


@dataclass(frozen=True)
class Variant:
    """One way of calling: a label, a path and the headers that authenticate it."""

    label: str
    path: str
    headers: dict[str, str]


def getter(client: httpx.AsyncClient, variant: Variant) -> Callable[[int], Awaitable[None]]:
    async def get(_: int) -> None:
        checked(await client.get(variant.path, headers=variant.headers))

    return get


async def interleaved_sequential(
    client: httpx.AsyncClient, variants: list[Variant], requests: int
) -> dict[str, list[float]]:
    """One request of each variant in turn, so a burst of load from elsewhere on the machine
    lands on every variant alike."""
    samples: dict[str, list[float]] = {v.label: [] for v in variants}
    calls = [(v.label, getter(client, v)) for v in variants]
    for i in range(requests):
        for label, get in calls:
            samples[label].append(await timed(get, i))
    return samples


async def concurrent_rounds(
    client: httpx.AsyncClient, variants: list[Variant], requests: int
) -> dict[str, tuple[list[float], float]]:
    """Each variant at full concurrency, in two rounds (forwards, then backwards), half of
    ``requests`` per round: (latencies, wall seconds) per variant."""
    found: dict[str, tuple[list[float], float]] = {v.label: ([], 0.0) for v in variants}
    for order in (variants, variants[::-1]):
        for variant in order:
            latencies, wall = await concurrent(
                requests // 2, REQUEST_CONCURRENCY, getter(client, variant)
            )
            earlier, earlier_wall = found[variant.label]
            found[variant.label] = (earlier + latencies, earlier_wall + wall)
    return found


async def measure_authenticated(client: httpx.AsyncClient, requests: int) -> Section:
    variants = [Variant("no auth (GET /healthz)", "/healthz", {})] + [
        Variant(label, "/v1/me", bearer(token))
        for label, token in (await credentials(client)).items()
    ]
    await interleaved_sequential(client, variants, 10)  # warm connections and caches
    alone = await interleaved_sequential(client, variants, requests)
    loaded = await concurrent_rounds(client, variants, requests)
    section = Section("2. authenticated request overhead (GET /v1/me)")
    for variant in variants:
        latencies, wall = loaded[variant.label]
        under_load = f"{variant.label}: concurrency {REQUEST_CONCURRENCY}"
        section.figures += [
            Latency(f"{variant.label}: sequential", alone[variant.label]),
            Latency(under_load, latencies),
            Rate(under_load, len(latencies), wall, "req"),
        ]
    section.notes.append(
        "sequential requests interleave the variants; every /v1/me variant reads the database "
        "(the session, or the key joined to its owner, per request: revocation is immediate) "
        "and the user row with its sealed fields; API keys hash with SHA-256, not argon2"
    )
    return section


# --- 5. email verification ----------------------------------------------------------------------


async def verification_latency(client: httpx.AsyncClient, inbox: str) -> tuple[float, float]:
    """(register response time, register sent -> verification email in the sandbox inbox)."""
    email = new_email()
    start = time.perf_counter()
    await register(client, email)
    registered = time.perf_counter() - start
    token = await asyncio.to_thread(
        wait_for_link_token, inbox, to=email, link_path="/verify-email", timeout=60.0
    )
    arrived = time.perf_counter() - start
    checked(await client.post("/v1/auth/email-verification", json={"token": token}))
    return registered, arrived


async def measure_email_verification(client: httpx.AsyncClient, inbox: str, emails: int) -> Section:
    pairs = [await verification_latency(client, inbox) for _ in range(emails)]
    return Section(
        "5. email verification (register -> email in the mail sandbox)",
        [
            Latency("POST /v1/auth/register (argon2id hash)", [p[0] for p in pairs]),
            Latency("register sent -> verification email in inbox", [p[1] for p in pairs]),
        ],
        [
            "outbox row committed with the user, sent by the mailer worker over SMTP; the "
            "inbox is polled every 50 ms; each link is then used (POST /v1/auth/email-verification)"
        ],
    )


# --- running it -----------------------------------------------------------------------------


async def measure(target: Target, options: Options, scratch_dir: Path) -> list[Section]:
    sections: list[Section] = []
    async with httpx.AsyncClient(base_url=target.api, timeout=60.0, trust_env=False) as client:
        progress("1/5 login")
        sections.append(await measure_login(client, options.logins))
        progress("2/5 authenticated requests")
        sections.append(await measure_authenticated(client, options.requests))
        progress("3/5 sealed fields")
        sections.append(await measure_sealed_fields(target.settings, iterations=options.iterations))
        progress("4/5 KEK rotation (scratch database and token)")
        sections.append(
            await measure_rotation(
                target.settings, scratch_dir, users=options.users, extra_keys=options.extra_keys
            )
        )
        progress("5/5 email verification")
        sections.append(await measure_email_verification(client, target.inbox, options.emails))
    return sections


def report(sections: list[Section], *, machine: bool, stack: str) -> None:
    if machine:
        print(as_json(sections, {"stack": stack, "cpus": os.cpu_count()}))
    else:
        print(f"stack: {stack}; {os.cpu_count()} CPUs\n")
        print(table(sections))


def run_on_running_stack(path: Path, options: Options, machine: bool) -> None:
    described = json.loads(path.read_text())
    target = Target(described["api"], described["mail_sandbox"], load_settings())
    with tempfile.TemporaryDirectory(prefix="onramp-bench-keys-") as scratch:
        sections = asyncio.run(measure(target, options, Path(scratch)))
    report(sections, machine=machine, stack=f"running onramp dev ({described['api']})")


def run_on_own_stack(options: Options, machine: bool) -> None:
    from onramp.devstack.stack import start_stack

    progress("no running stack: starting one (onramp dev would keep it), rate limits off")
    # Inherited by every process the stack spawns: one client address logs in many times.
    os.environ["ONRAMP_RATE_LIMITS__ENABLED"] = "false"
    with tempfile.TemporaryDirectory(prefix="onramp-bench-") as state_dir:
        stack = start_stack(Path(state_dir), progress=progress)
        try:
            target = Target(stack.api_url, stack.mail.url, stack.settings)
            sections = asyncio.run(measure(target, options, Path(state_dir) / "scratch-keys"))
        finally:
            stack.stop()
    report(sections, machine=machine, stack="started by the bench")


def parse_options() -> tuple[Options, bool]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=40, help="sequential logins (x2 at c=4)")
    parser.add_argument("--requests", type=int, default=400, help="GET /v1/me per variant")
    parser.add_argument("--iterations", type=int, default=20_000, help="seal/open/index loops")
    parser.add_argument("--emails", type=int, default=20, help="registrations to time")
    parser.add_argument("--users", type=int, default=1_000, help="scratch users for rotation")
    parser.add_argument("--extra-keys", type=int, default=100, help="data keys added, rotation")
    parser.add_argument("--json", action="store_true", help="JSON on stdout instead of a table")
    args = parser.parse_args()
    options = Options(
        logins=args.logins,
        requests=args.requests,
        iterations=args.iterations,
        emails=args.emails,
        users=args.users,
        extra_keys=args.extra_keys,
    )
    return options, args.json


def main() -> None:
    options, machine = parse_options()
    path = stack_file(load_settings().state_dir)
    if path.exists():
        run_on_running_stack(path, options, machine)
    else:
        run_on_own_stack(options, machine)


if __name__ == "__main__":
    main()
