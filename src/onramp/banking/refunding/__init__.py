"""Refunds: requesting one, sending it (one payment or a pain.001 file), following it to the
bank's booking, operators' returns of unmatched deposits, and the staff routes. The refund
tables stay in ``banking/refund_models.py`` beside the other tables.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
