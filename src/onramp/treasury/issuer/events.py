"""Events the issuer operations emit (through the outbox, with the state change)."""

MINT_COMPLETED = "onramp.treasury.issuer_mint_completed.v1"
REDEEM_COMPLETED = "onramp.treasury.issuer_redeem_completed.v1"
OPERATION_FAILED = "onramp.treasury.issuer_operation_failed.v1"
OPERATION_NEEDS_REVIEW = "onramp.treasury.issuer_operation_needs_review.v1"
