-- Access and refresh tokens. Only the HMAC signature of an opaque token is stored (for a
-- JWT access token: its signature segment), never the token itself. Every token of one
-- grant shares `request_id` (the consent challenge for the authorization code flow), which
-- is what revocation, code-reuse detection and refresh-token family revocation act on.
-- Columns are denormalised so that introspection and userinfo are one primary-key
-- SELECT: `scope` is space-separated, `audience` a JSON array, `ext` the consent's
-- `session.access_token` object, `session` the OpenID Connect data (ID token claims,
-- auth_time, nonce, acr, amr, sid) as JSON. Times are unix seconds; a refresh token with
-- `expires_at` = 0 never expires. Access tokens are deleted when revoked; refresh tokens
-- are deactivated (`active` = FALSE) and kept until flushed so that reuse is detected.
CREATE TABLE oauth2_access_tokens (
    signature          TEXT PRIMARY KEY,
    request_id         TEXT NOT NULL,
    client_id          TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject            TEXT NOT NULL,
    obfuscated_subject TEXT NOT NULL,
    scope              TEXT NOT NULL,
    audience           TEXT NOT NULL,
    ext                TEXT NOT NULL,
    session            TEXT NOT NULL,
    issued_at          BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    active             BOOLEAN NOT NULL
);

CREATE INDEX oauth2_access_tokens_request_id_idx ON oauth2_access_tokens (request_id);
CREATE INDEX oauth2_access_tokens_client_id_idx ON oauth2_access_tokens (client_id);
CREATE INDEX oauth2_access_tokens_expires_at_idx ON oauth2_access_tokens (expires_at);

CREATE TABLE oauth2_refresh_tokens (
    signature          TEXT PRIMARY KEY,
    request_id         TEXT NOT NULL,
    client_id          TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject            TEXT NOT NULL,
    obfuscated_subject TEXT NOT NULL,
    scope              TEXT NOT NULL,
    audience           TEXT NOT NULL,
    ext                TEXT NOT NULL,
    session            TEXT NOT NULL,
    issued_at          BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    active             BOOLEAN NOT NULL
);

CREATE INDEX oauth2_refresh_tokens_request_id_idx ON oauth2_refresh_tokens (request_id);
CREATE INDEX oauth2_refresh_tokens_client_id_idx ON oauth2_refresh_tokens (client_id);
CREATE INDEX oauth2_refresh_tokens_expires_at_idx ON oauth2_refresh_tokens (expires_at);

-- `jti` values of private_key_jwt client assertions already used (RFC 7523 §3 item 7),
-- kept until the assertion would have expired anyway.
CREATE TABLE oauth2_assertion_jti (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE INDEX oauth2_assertion_jti_expires_at_idx ON oauth2_assertion_jti (expires_at);
