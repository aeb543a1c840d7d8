"""Bank accounts: customers' own (validated, sealed, proven by micro-deposits, the
``/v1/me/bank-accounts`` routes) and the operator's treasury accounts customers pay into.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
