-- Hydra v2's per-client token settings.

-- `access_token_strategy`: `jwt` or `opaque`; NULL = the global `strategies.access_token`.
ALTER TABLE clients ADD COLUMN access_token_strategy TEXT;
-- The `*_lifespan` fields set for the client: a JSON object of nanoseconds by field name
-- (`{"client_credentials_grant_access_token_lifespan": 60000000000}`), as Hydra keeps
-- durations; NULL when none is set (every token gets the global TTL).
ALTER TABLE clients ADD COLUMN token_lifespans TEXT;
