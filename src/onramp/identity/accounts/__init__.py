"""Customer accounts: registration and the user store (`service`), passwords, the emailed
single-use tokens and the emails carrying them, address verification, preferences; their routes
(`api`). Identity's other sub-packages import these modules directly: identity's surface is
`onramp.identity`, and this package exports nothing."""
