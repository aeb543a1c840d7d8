"""Keys and signatures: the ``Signer`` protocol and the local development key (`signer`), the
HSM signer whose key stays in the PKCS#11 token (`hsm_signer`), and who signed an EIP-191 message
(`signatures`). Imports only chain's shared modules.

Imported module by module inside the domain; other domains use ``onramp.chain``."""
