"""How orders come to be: placed against a quote (``placing.py``), or placed by the money itself
(a standing reference, a late payment converted: ``placed_by_deposit.py``), and the customer's
standing reference, ``/v1/me/standing-reference`` (``standing_reference_api.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
