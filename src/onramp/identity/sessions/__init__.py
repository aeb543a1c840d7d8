"""Login sessions: rotating refresh-token families (`service`), lockout after failed logins,
and the fraud signals noted on each new session. Imports only identity's shared modules."""
