"""KYC: cases and tiers per customer, verified by a vendor behind an adapter.

The public surface other domains use: ``tier_of`` (the tier a customer holds now), ``limits_for``
(what a tier may order, from ``KycSettings``), the status names, and the data-subject helpers
(``export_cases``, ``purge_personal_data``).
"""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
from onramp.kyc.records import (
    ApprovedCases,
    VerifiedIdentity,
    approved_cases,
    export_cases,
    purge_personal_data,
    verified_identity,
)
from onramp.kyc.service import tier_of
from onramp.kyc.states import KycStatus
from onramp.kyc.tiers import TierLimits, limits_for

if TYPE_CHECKING:
    from onramp.kyc.adapters.base import KycVendor as KycVendor
    from onramp.kyc.adapters.sandbox import SandboxKycVendor as SandboxKycVendor
    from onramp.kyc.api import case_history as case_history
    from onramp.kyc.api import decision_history as decision_history
    from onramp.kyc.api import kyb_router as kyc_kyb_router
    from onramp.kyc.api import me_router as kyc_me_router
    from onramp.kyc.api import review_queue as kyc_review_queue
    from onramp.kyc.api import review_router as kyc_review_router
    from onramp.kyc.api import status_of as kyc_status_of
    from onramp.kyc.api import submit_own as submit_own_kyc
    from onramp.kyc.api import webhook_router as kyc_webhook_router
    from onramp.kyc.holds import held_cases as held_cases
    from onramp.kyc.holds import reject_held as reject_held
    from onramp.kyc.holds import release_holds as release_holds
    from onramp.kyc.rescreen import KybOwners as KybOwners
    from onramp.kyc.rescreen import VerifiedNames as VerifiedNames
    from onramp.kyc.schemas import KycCaseOut as KycCaseOut
    from onramp.kyc.schemas import KycDecisionOut as KycDecisionOut
    from onramp.kyc.schemas import KycStatusOut as KycStatusOut
    from onramp.kyc.schemas import KycSubmissionIn as KycSubmissionIn
    from onramp.kyc.worker import run_review_expiry as run_review_expiry

_LAZY = {
    "KybOwners": ("onramp.kyc.rescreen", "KybOwners"),
    "KycCaseOut": ("onramp.kyc.schemas", "KycCaseOut"),
    "KycDecisionOut": ("onramp.kyc.schemas", "KycDecisionOut"),
    "KycStatusOut": ("onramp.kyc.schemas", "KycStatusOut"),
    "KycSubmissionIn": ("onramp.kyc.schemas", "KycSubmissionIn"),
    "KycVendor": ("onramp.kyc.adapters.base", "KycVendor"),
    "SandboxKycVendor": ("onramp.kyc.adapters.sandbox", "SandboxKycVendor"),
    "VerifiedNames": ("onramp.kyc.rescreen", "VerifiedNames"),
    "case_history": ("onramp.kyc.api", "case_history"),
    "decision_history": ("onramp.kyc.api", "decision_history"),
    "held_cases": ("onramp.kyc.holds", "held_cases"),
    "kyc_kyb_router": ("onramp.kyc.api", "kyb_router"),
    "kyc_me_router": ("onramp.kyc.api", "me_router"),
    "kyc_review_queue": ("onramp.kyc.api", "review_queue"),
    "kyc_review_router": ("onramp.kyc.api", "review_router"),
    "kyc_status_of": ("onramp.kyc.api", "status_of"),
    "kyc_webhook_router": ("onramp.kyc.api", "webhook_router"),
    "reject_held": ("onramp.kyc.holds", "reject_held"),
    "release_holds": ("onramp.kyc.holds", "release_holds"),
    "run_review_expiry": ("onramp.kyc.worker", "run_review_expiry"),
    "submit_own_kyc": ("onramp.kyc.api", "submit_own"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "ApprovedCases",
    "KybOwners",
    "KycCaseOut",
    "KycDecisionOut",
    "KycStatus",
    "KycStatusOut",
    "KycSubmissionIn",
    "KycVendor",
    "SandboxKycVendor",
    "TierLimits",
    "VerifiedIdentity",
    "VerifiedNames",
    "case_history",
    "decision_history",
    "approved_cases",
    "export_cases",
    "held_cases",
    "kyc_kyb_router",
    "kyc_me_router",
    "kyc_review_queue",
    "kyc_review_router",
    "kyc_status_of",
    "kyc_webhook_router",
    "limits_for",
    "purge_personal_data",
    "reject_held",
    "release_holds",
    "run_review_expiry",
    "submit_own_kyc",
    "tier_of",
    "verified_identity",
]
