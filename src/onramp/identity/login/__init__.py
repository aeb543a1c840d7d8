"""Signing in and the caller's own profile: the login, refresh, logout and registration
routes (`api`), finishing a login or stepping up with a second factor (`mfa_api`), and the
tokens and cookies a successful login answers with. Sits on top of accounts, sessions and mfa."""
