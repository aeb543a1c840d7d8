"""The TOTP second factor (`service`): enrolment, recovery codes, login challenges and
step-up. Its routes are in `identity.login` (they finish a login or mark a session)."""
