"""The support desk: staff find a customer (email, name, id, IBAN, wallet address), read what
support needs about them in one place (profile, KYC, limits, orders, compliance cases, sessions)
and put their account on hold. It joins ``identity`` (accounts, the hold itself), ``kyc``,
``banking``, ``wallets``, ``orders`` and ``compliance``, as ``casework`` joins the officers' desk.
"""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.support.api import router as support_router

_LAZY = {
    "support_router": ("onramp.support.api", "router"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "support_router",
]
