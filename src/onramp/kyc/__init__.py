"""KYC: cases and tiers per customer, verified by a vendor behind an adapter.

The public surface other domains use: ``tier_of`` (the tier a customer holds now), ``limits_for``
(what a tier may order, from ``KycSettings``), the status names, and the data-subject helpers
(``export_cases``, ``purge_personal_data``).
"""

from onramp.kyc.identity import VerifiedIdentity, verified_identity
from onramp.kyc.records import export_cases, purge_personal_data
from onramp.kyc.service import tier_of
from onramp.kyc.states import KycStatus
from onramp.kyc.tiers import TierLimits, limits_for

__all__ = [
    "KycStatus",
    "TierLimits",
    "VerifiedIdentity",
    "export_cases",
    "limits_for",
    "purge_personal_data",
    "tier_of",
    "verified_identity",
]
