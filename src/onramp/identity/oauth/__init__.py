"""OAuth 2.0 client credentials: an API key exchanged for a short-lived access token
(`service`) at the token endpoint (`api`). Built on `identity.api_keys.service`."""
