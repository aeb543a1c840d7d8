"""API keys of corporate clients and staff: the key's format and hash (`format`), the store
(`service`), authenticating with a key (`auth`), and the `/v1/me/api-keys` routes."""
