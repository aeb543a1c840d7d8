"""What the vendor sandboxes (bank, KYC, issuer) share: signed webhook delivery with retries and
a log of every attempt, failure injection (5xx answers, hung answers, webhooks twice, late and
out of order: ``faults.py``, switched on at ``/_faults``), RFC 9457 problems, their background
work and the process that runs one. What each vendor decides (its magic values, its
resources) stays in that vendor's sandbox."""

from onramp.devstack.sandbox_kit.background import BackgroundWork
from onramp.devstack.sandbox_kit.faults import (
    FAULTS_ENV,
    FaultInjector,
    FaultSettings,
    WebhookFaults,
)
from onramp.devstack.sandbox_kit.problems import PROBLEM_JSON, SandboxProblem, answer_problems
from onramp.devstack.sandbox_kit.running import (
    RunningSandbox,
    add_webhook_arguments,
    require_webhook_secret,
    sandbox_arguments,
    serve,
    start_sandbox,
)
from onramp.devstack.sandbox_kit.state import SandboxState, WebhookTarget, sandbox_app
from onramp.devstack.sandbox_kit.webhooks import (
    Deliverable,
    Delivery,
    DeliveryPolicy,
    WebhookEvent,
    WebhookSender,
    backoff_delay,
    iso_now,
    sign_payload,
)

__all__ = [
    "FAULTS_ENV",
    "PROBLEM_JSON",
    "BackgroundWork",
    "Deliverable",
    "Delivery",
    "DeliveryPolicy",
    "FaultInjector",
    "FaultSettings",
    "RunningSandbox",
    "SandboxProblem",
    "SandboxState",
    "WebhookEvent",
    "WebhookFaults",
    "WebhookSender",
    "WebhookTarget",
    "add_webhook_arguments",
    "answer_problems",
    "sandbox_app",
    "backoff_delay",
    "iso_now",
    "sandbox_arguments",
    "serve",
    "sign_payload",
    "start_sandbox",
    "require_webhook_secret",
]
