"""The travel rule on the orders' side: which orders it covers, the record made when an order
is placed and the re-check at funding time (``policy.py``), and the records for compliance
officers, ``/v1/compliance/travel-rule`` (``api.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
