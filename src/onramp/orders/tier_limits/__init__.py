"""KYC tier limits on order volume: checked when an order is placed and again when its funds
arrive (``limits.py``), and ``GET /v1/me/limits`` (``api.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
