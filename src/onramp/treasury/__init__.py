"""Treasury: the wallets the operator holds (hot vault, warm and cold Safes), their liquidity
policy and rebalancing, the USDC issuer (mint and redeem), and the risk limits and circuit breaker
that stand in front of payouts."""
