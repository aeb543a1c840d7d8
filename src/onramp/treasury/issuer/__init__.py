"""The USDC issuer: mint (fiat wired in, USDC minted to a treasury address) and redeem (USDC sent
back and burned, fiat wired out), behind an adapter shaped like Circle Mint.

Other domains call :func:`request_mint` / :func:`request_redeem` (in their unit of work) and then
:meth:`IssuerFlow.run` (outside it) to carry the operation through; the outbox events in
``events`` announce the end. :func:`build_issuer` makes the configured adapter.
"""

from onramp.treasury.issuer.base import (
    Issuer,
    IssuerBalance,
    IssuerNotice,
    UsdcSender,
    WireAccountDetails,
    WireInstructions,
    WireSender,
)
from onramp.treasury.issuer.circle import CircleMintIssuer, SandboxMockWire
from onramp.treasury.issuer.config import build_issuer, wire_account_details
from onramp.treasury.issuer.events import (
    MINT_COMPLETED,
    OPERATION_FAILED,
    OPERATION_NEEDS_REVIEW,
    REDEEM_COMPLETED,
)
from onramp.treasury.issuer.flow import IssuerFlow
from onramp.treasury.issuer.service import (
    IssuerOperationView,
    apply_notice,
    get_operation,
    list_operations,
    open_operations,
    request_mint,
    request_redeem,
)

__all__ = [
    "MINT_COMPLETED",
    "OPERATION_FAILED",
    "OPERATION_NEEDS_REVIEW",
    "REDEEM_COMPLETED",
    "CircleMintIssuer",
    "Issuer",
    "IssuerBalance",
    "IssuerFlow",
    "IssuerNotice",
    "IssuerOperationView",
    "SandboxMockWire",
    "UsdcSender",
    "WireAccountDetails",
    "WireInstructions",
    "WireSender",
    "apply_notice",
    "build_issuer",
    "get_operation",
    "list_operations",
    "open_operations",
    "request_mint",
    "request_redeem",
    "wire_account_details",
]
