"""The support desk: staff find a customer (email, name, id, IBAN, wallet address), read what
support needs about them in one place (profile, KYC, limits, orders, compliance cases, sessions)
and put their account on hold. It joins ``identity`` (accounts, the hold itself), ``kyc``,
``banking``, ``wallets``, ``orders`` and ``compliance``, as ``casework`` joins the officers' desk.
"""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.support.api import router as support_router
    from onramp.support.dossier import customer_file as customer_file
    from onramp.support.schemas import CustomerFile as CustomerFile
    from onramp.support.schemas import CustomerPage as CustomerPage
    from onramp.support.schemas import HoldIn as HoldIn
    from onramp.support.search import MAX_LIMIT as MAX_CUSTOMERS_PAGE
    from onramp.support.search import find_customers as find_customers

_LAZY = {
    "CustomerFile": ("onramp.support.schemas", "CustomerFile"),
    "CustomerPage": ("onramp.support.schemas", "CustomerPage"),
    "HoldIn": ("onramp.support.schemas", "HoldIn"),
    "MAX_CUSTOMERS_PAGE": ("onramp.support.search", "MAX_LIMIT"),
    "customer_file": ("onramp.support.dossier", "customer_file"),
    "find_customers": ("onramp.support.search", "find_customers"),
    "support_router": ("onramp.support.api", "router"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "CustomerFile",
    "CustomerPage",
    "HoldIn",
    "MAX_CUSTOMERS_PAGE",
    "customer_file",
    "find_customers",
    "support_router",
]
