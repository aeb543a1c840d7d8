"""Every transaction onramp sends, from nonce to finality: one sender per key (`tx_sender`), its
nonce allocator (`nonces`), the fee rule for replacements (`fees`), the reconciler that settles
stored transactions by nonce (`tx_reconciler`), one stored transaction carried step by step
(`stored_tx`) and the confirmation watcher (`confirmations`). Uses signing.

Imported module by module inside the domain; other domains use ``onramp.chain``."""
