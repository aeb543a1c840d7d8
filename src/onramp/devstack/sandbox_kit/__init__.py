"""What the vendor sandboxes (bank, KYC, issuer) share: signed webhook delivery with retries,
RFC 9457 problems, their background work and the process that runs one."""

from onramp.devstack.sandbox_kit.problems import SandboxProblem
from onramp.devstack.sandbox_kit.webhooks import backoff_delay, sign_payload

__all__ = ["SandboxProblem", "backoff_delay", "sign_payload"]
