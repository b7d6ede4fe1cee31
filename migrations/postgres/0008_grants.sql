-- The device authorization grant (RFC 8628).
--
-- `oauth2_device_codes`: one row per device authorization. The device code and the user
-- code are stored as keyed hashes (HMAC under the system secret), never as values.
-- `id` names the row in the login and consent requests' `request_url` (not a secret).
-- Polling updates `last_polled_at`, grows `poll_interval` when it comes too soon and
-- records that in `too_fast`, all in one UPDATE. Approval fills the grant columns (the
-- token tables' format: space-separated scope, JSON audience, ext and session) and sets
-- `status` to 'approved'; the token endpoint takes the row with one conditional UPDATE to
-- 'used', so a device code yields tokens exactly once however many polls race.
CREATE TABLE oauth2_device_codes (
    signature          TEXT PRIMARY KEY,
    user_code          TEXT NOT NULL UNIQUE,
    id                 TEXT NOT NULL UNIQUE,
    client_id          TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    requested_scope    TEXT NOT NULL,
    requested_audience TEXT NOT NULL,
    requested_at       BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    poll_interval      BIGINT NOT NULL,
    last_polled_at     BIGINT NOT NULL DEFAULT 0,
    too_fast           BOOLEAN NOT NULL DEFAULT FALSE,
    status             TEXT NOT NULL DEFAULT 'pending',
    request_id         TEXT NOT NULL DEFAULT '',
    subject            TEXT NOT NULL DEFAULT '',
    obfuscated_subject TEXT NOT NULL DEFAULT '',
    scope              TEXT NOT NULL DEFAULT '',
    audience           TEXT NOT NULL DEFAULT '[]',
    ext                TEXT NOT NULL DEFAULT '{}',
    session            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX oauth2_device_codes_expires_at_idx ON oauth2_device_codes (expires_at);

-- Hydra v26's device challenge: the verification step a login app (or the built-in
-- page) handles by naming a user code. Challenge and verifier are stored as signatures.
-- `device_id` is the device code the user code named, set when accepted.
CREATE TABLE flow_device_requests (
    challenge    TEXT PRIMARY KEY,
    verifier     TEXT UNIQUE,
    csrf         TEXT NOT NULL,
    device_id    TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    handled_at   BIGINT,
    was_used     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX flow_device_requests_requested_at_idx ON flow_device_requests (requested_at);

-- The JWT bearer grant (RFC 7523 §2.1): issuers trusted to assert a subject (or any,
-- with `allow_any_subject`) with one public key each, for the scopes listed (JSON
-- array), until `expires_at` (unix seconds). As in Hydra, one key per (issuer, subject,
-- key id). `jwk` is the public JWK as JSON.
CREATE TABLE trust_jwt_issuers (
    id                TEXT PRIMARY KEY,
    issuer            TEXT NOT NULL,
    subject           TEXT NOT NULL,
    allow_any_subject BOOLEAN NOT NULL,
    scope             TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    jwk               TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX trust_jwt_issuers_key_idx ON trust_jwt_issuers (issuer, subject, key_id);

-- Dynamic client registration (RFC 7591/7592): the keyed hash of each self-registered
-- client's registration access token (never the token itself).
CREATE TABLE client_registrations (
    client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    token     TEXT NOT NULL
);
