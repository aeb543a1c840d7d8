"""Creditor (RF) references: making and checking them, finding the one a sender typed, and the
standing reference a customer quotes on every transfer.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
