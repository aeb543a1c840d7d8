"""Case work: the compliance officers' desk, across domains.

``compliance.cases`` knows cases and alerts and depends on nothing but ``core``; deciding a case
also moves the orders it held (``orders.holds.review``), may need a second officer (``identity``
four-eyes approvals), and a SAR draft opens the subject's identity (``identity``, ``kyc``) and
transactions (``orders``, ``banking``). This package joins them, as ``orders`` joins the money
path.
"""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.casework.api import router as casework_router
    from onramp.casework.data_rights import erase_customer as erase_customer
    from onramp.casework.data_rights import export_customer as export_customer
    from onramp.casework.decisions import assign_case as assign_case
    from onramp.casework.decisions import decide_case as decide_case
    from onramp.casework.decisions import register_release_approval as register_release_approval
    from onramp.casework.privacy import erase as erase
    from onramp.casework.privacy import purge_expired as purge_expired
    from onramp.casework.sar import draft_sar as draft_sar
    from onramp.casework.views import case_detail as case_detail

_LAZY = {
    "assign_case": ("onramp.casework.decisions", "assign_case"),
    "case_detail": ("onramp.casework.views", "case_detail"),
    "decide_case": ("onramp.casework.decisions", "decide_case"),
    "draft_sar": ("onramp.casework.sar", "draft_sar"),
    "casework_router": ("onramp.casework.api", "router"),
    "erase": ("onramp.casework.privacy", "erase"),
    "purge_expired": ("onramp.casework.privacy", "purge_expired"),
    "register_release_approval": ("onramp.casework.decisions", "register_release_approval"),
    "export_customer": ("onramp.casework.data_rights", "export_customer"),
    "erase_customer": ("onramp.casework.data_rights", "erase_customer"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "assign_case",
    "case_detail",
    "decide_case",
    "draft_sar",
    "casework_router",
    "erase",
    "purge_expired",
    "register_release_approval",
    "export_customer",
    "erase_customer",
]
