"""Matching and booking deposits: whose money it is, what the payment rules do with money that
does not fit its order, booking it, settling reversals, and the matched deposits as facts.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
