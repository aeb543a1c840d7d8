"""Treasury: the wallets the operator holds (hot vault, warm and cold Safes), their liquidity
policy and rebalancing, the USDC issuer (mint and redeem), and the risk limits and circuit breaker
that stand in front of payouts."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.treasury.api import chain_client as treasury_chain_client
    from onramp.treasury.api import proposal_out as proposal_out
    from onramp.treasury.api import router as treasury_router
    from onramp.treasury.circuit_breaker import approve_resume as approve_resume
    from onramp.treasury.circuit_breaker import current_state as breaker_state
    from onramp.treasury.circuit_breaker import pending_resume as pending_resume
    from onramp.treasury.circuit_breaker import register_resume_approval as register_resume_approval
    from onramp.treasury.circuit_breaker import request_resume as request_resume
    from onramp.treasury.circuit_breaker import trip as trip_breaker
    from onramp.treasury.circuit_breaker_api import router as circuit_breaker_router
    from onramp.treasury.executor import ProposalExecutor as ProposalExecutor
    from onramp.treasury.issuer import CircleMintIssuer as CircleMintIssuer
    from onramp.treasury.issuer import IssuerFlow as IssuerFlow
    from onramp.treasury.issuer import SandboxMockWire as SandboxMockWire
    from onramp.treasury.issuer import UsdcSender as UsdcSender
    from onramp.treasury.issuer import build_issuer as build_issuer
    from onramp.treasury.issuer import list_operations as list_issuer_operations
    from onramp.treasury.issuer import request_mint as request_mint
    from onramp.treasury.issuer import request_redeem as request_redeem
    from onramp.treasury.issuer import wire_account_details as wire_account_details
    from onramp.treasury.issuer.api import webhook_router as treasury_webhook_router
    from onramp.treasury.issuer.errors import IssuerNotConfigured as IssuerNotConfigured
    from onramp.treasury.issuer_api import operation_out as issuer_operation_out
    from onramp.treasury.issuer_api import router as issuer_operations_router
    from onramp.treasury.issuer_mints import register_mint_approval as register_mint_approval
    from onramp.treasury.issuer_mints import request_issuer_mint as request_issuer_mint
    from onramp.treasury.issuer_mints import request_issuer_redeem as request_issuer_redeem
    from onramp.treasury.models import ProposalKind as ProposalKind
    from onramp.treasury.models import WalletKind as WalletKind
    from onramp.treasury.models import WalletTier as WalletTier
    from onramp.treasury.positions import positions as read_positions
    from onramp.treasury.positions import positions_document as positions_document
    from onramp.treasury.proposals import cancel as cancel_proposal
    from onramp.treasury.proposals import latest as latest_proposals
    from onramp.treasury.proposals import proposal as rebalancing_proposal
    from onramp.treasury.proposals import propose as propose_rebalancing
    from onramp.treasury.proposals import sign as sign_proposal
    from onramp.treasury.risk_limits import RiskGate as RiskGate
    from onramp.treasury.risk_limits import RiskLimits as RiskLimits
    from onramp.treasury.risk_monitor import risk_monitor as configured_risk_monitor
    from onramp.treasury.risk_monitor import run_risk_monitor as run_risk_monitor
    from onramp.treasury.wallets import GasPolicy as GasPolicy
    from onramp.treasury.wallets import LiquidityPolicy as LiquidityPolicy
    from onramp.treasury.wallets import register_wallet as register_wallet
    from onramp.treasury.wallets import wallets as treasury_wallets
    from onramp.treasury.worker import executor_signer as executor_signer
    from onramp.treasury.worker import run_treasury as run_treasury
    from onramp.treasury.worker import treasury_round as treasury_round

_LAZY = {
    "approve_resume": ("onramp.treasury.circuit_breaker", "approve_resume"),
    "breaker_state": ("onramp.treasury.circuit_breaker", "current_state"),
    "cancel_proposal": ("onramp.treasury.proposals", "cancel"),
    "latest_proposals": ("onramp.treasury.proposals", "latest"),
    "pending_resume": ("onramp.treasury.circuit_breaker", "pending_resume"),
    "proposal_out": ("onramp.treasury.api", "proposal_out"),
    "propose_rebalancing": ("onramp.treasury.proposals", "propose"),
    "rebalancing_proposal": ("onramp.treasury.proposals", "proposal"),
    "request_issuer_mint": ("onramp.treasury.issuer_mints", "request_issuer_mint"),
    "request_issuer_redeem": ("onramp.treasury.issuer_mints", "request_issuer_redeem"),
    "issuer_operation_out": ("onramp.treasury.issuer_api", "operation_out"),
    "issuer_operations_router": ("onramp.treasury.issuer_api", "router"),
    "list_issuer_operations": ("onramp.treasury.issuer", "list_operations"),
    "request_resume": ("onramp.treasury.circuit_breaker", "request_resume"),
    "sign_proposal": ("onramp.treasury.proposals", "sign"),
    "treasury_chain_client": ("onramp.treasury.api", "chain_client"),
    "trip_breaker": ("onramp.treasury.circuit_breaker", "trip"),
    "CircleMintIssuer": ("onramp.treasury.issuer", "CircleMintIssuer"),
    "GasPolicy": ("onramp.treasury.wallets", "GasPolicy"),
    "treasury_wallets": ("onramp.treasury.wallets", "wallets"),
    "IssuerFlow": ("onramp.treasury.issuer", "IssuerFlow"),
    "IssuerNotConfigured": ("onramp.treasury.issuer.errors", "IssuerNotConfigured"),
    "LiquidityPolicy": ("onramp.treasury.wallets", "LiquidityPolicy"),
    "ProposalExecutor": ("onramp.treasury.executor", "ProposalExecutor"),
    "RiskGate": ("onramp.treasury.risk_limits", "RiskGate"),
    "RiskLimits": ("onramp.treasury.risk_limits", "RiskLimits"),
    "SandboxMockWire": ("onramp.treasury.issuer", "SandboxMockWire"),
    "UsdcSender": ("onramp.treasury.issuer", "UsdcSender"),
    "ProposalKind": ("onramp.treasury.models", "ProposalKind"),
    "WalletKind": ("onramp.treasury.models", "WalletKind"),
    "WalletTier": ("onramp.treasury.models", "WalletTier"),
    "build_issuer": ("onramp.treasury.issuer", "build_issuer"),
    "circuit_breaker_router": ("onramp.treasury.circuit_breaker_api", "router"),
    "configured_risk_monitor": ("onramp.treasury.risk_monitor", "risk_monitor"),
    "executor_signer": ("onramp.treasury.worker", "executor_signer"),
    "positions_document": ("onramp.treasury.positions", "positions_document"),
    "read_positions": ("onramp.treasury.positions", "positions"),
    "register_mint_approval": ("onramp.treasury.issuer_mints", "register_mint_approval"),
    "register_resume_approval": ("onramp.treasury.circuit_breaker", "register_resume_approval"),
    "register_wallet": ("onramp.treasury.wallets", "register_wallet"),
    "request_mint": ("onramp.treasury.issuer", "request_mint"),
    "request_redeem": ("onramp.treasury.issuer", "request_redeem"),
    "run_risk_monitor": ("onramp.treasury.risk_monitor", "run_risk_monitor"),
    "run_treasury": ("onramp.treasury.worker", "run_treasury"),
    "treasury_round": ("onramp.treasury.worker", "treasury_round"),
    "treasury_router": ("onramp.treasury.api", "router"),
    "treasury_webhook_router": ("onramp.treasury.issuer.api", "webhook_router"),
    "wire_account_details": ("onramp.treasury.issuer", "wire_account_details"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "ProposalKind",
    "approve_resume",
    "breaker_state",
    "cancel_proposal",
    "latest_proposals",
    "pending_resume",
    "proposal_out",
    "propose_rebalancing",
    "rebalancing_proposal",
    "request_issuer_mint",
    "request_issuer_redeem",
    "issuer_operation_out",
    "issuer_operations_router",
    "list_issuer_operations",
    "request_resume",
    "sign_proposal",
    "treasury_chain_client",
    "trip_breaker",
    "CircleMintIssuer",
    "GasPolicy",
    "IssuerFlow",
    "IssuerNotConfigured",
    "LiquidityPolicy",
    "ProposalExecutor",
    "RiskGate",
    "RiskLimits",
    "SandboxMockWire",
    "UsdcSender",
    "WalletKind",
    "WalletTier",
    "build_issuer",
    "circuit_breaker_router",
    "configured_risk_monitor",
    "executor_signer",
    "positions_document",
    "read_positions",
    "register_mint_approval",
    "register_resume_approval",
    "register_wallet",
    "request_mint",
    "request_redeem",
    "run_risk_monitor",
    "run_treasury",
    "treasury_round",
    "treasury_router",
    "treasury_webhook_router",
    "wire_account_details",
    "treasury_wallets",
]
