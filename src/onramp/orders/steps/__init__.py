"""The saga's steps after an order is placed, each written through ``orders/saga.py``: funds
received, pricing and the conversion, payouts, expiry, rejection for a refund, and a deposit the
bank takes back. The orders worker routes banking's and chain's events here.

Imported module by module inside the domain; other domains use ``onramp.orders``."""
