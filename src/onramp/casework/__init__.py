"""Case work: the compliance officers' desk, across domains.

``compliance.cases`` knows cases and alerts and depends on nothing but ``core``; deciding a case
also moves the orders it held (``orders.review``), may need a second officer (``identity``
four-eyes approvals), and a SAR draft opens the subject's identity (``identity``, ``kyc``) and
transactions (``orders``, ``banking``). This package joins them, as ``orders`` joins the money
path.
"""
