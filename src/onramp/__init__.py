"""onramp: fiat bank deposits in, USDC out."""
