"""Customers' custodial wallets: what one holds and the factory operator's calls (`custody`),
requesting a withdrawal (`withdrawals`), and the withdrawals worker that signs with the custody
key and sends them (`withdrawal_sender`). Uses transactions, signing and the top's worker module
(its backoff). Named ``custodial``, not ``custody``: the custody module moved into it.

Imported module by module inside the domain; other domains use ``onramp.chain``."""
