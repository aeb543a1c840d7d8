"""Compliance's hand on orders: orders held for manual review, released or rejected by an
officer (``review.py``), and the unpaid orders re-screened after a list update (``rescreen.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
