"""Customers' payouts out of the vault: the payout sender (`payouts`: queued payouts -> one batch
transaction), the batch's plan (`payout_plan`) with what the vault and the token allow
(`vault_conditions`) and why a call would revert (`revert_reasons`), the gate asked before a
batch is signed (`payout_gate`), what a batch's payouts do as its transaction is sent, replaced
or mined (`payout_rows`), and an operator's way out of a failed payout (`payout_retry`). Uses
transactions and signing; queuing payouts (`service.py`) and the tables stay at chain's top.
Named ``paying``, not ``payouts``: the payouts module moved into it.

Imported module by module inside the domain; other domains use ``onramp.chain``."""
