"""The name matcher's parts, one job each; ``compliance.matcher`` puts them together."""
