"""The operator's contracts: deploying them (`deploy`), the Safe multisig's transactions (`safe`)
and its deployment (`safe_deploy`), the vault's emergency switch sent by the guardian key
(`vault_pauser`), and the start-up check of the customer wallet factory
(`wallet_factory_check`). Uses transactions and signing.

Imported module by module inside the domain; other domains use ``onramp.chain``."""
