"""Staff on customers' orders: ``/v1/admin/orders`` (``api.py``, ``schemas.py``), the search over
every order (``search.py``), and the operator's four-eyes way out of a failed order: retry its
payout or refund its fiat (``operator_actions.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
