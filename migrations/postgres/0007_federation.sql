-- Signing in through upstream OpenID Connect providers.

-- Providers defined through the admin API (providers from the configuration file are
-- not stored). `definition` is the provider's settings as JSON without its secret;
-- `client_secret` is sealed with AES-256-GCM under the system secret.
CREATE TABLE identity_providers (
    id            TEXT PRIMARY KEY,
    definition    TEXT NOT NULL,
    client_secret BYTEA,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- An upstream identity (issuer, subject) linked to a local user; a user may have
-- several. Deleting the user deletes its links.
CREATE TABLE user_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- Redirects to a provider in flight, keyed by the HMAC of their `state` and taken
-- exactly once. `browser` is the HMAC of the browser cookie's id.
CREATE TABLE upstream_states (
    signature       TEXT PRIMARY KEY,
    purpose         TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    browser         TEXT NOT NULL,
    login_challenge TEXT NOT NULL,
    remember        BOOLEAN NOT NULL,
    redirect_to     TEXT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX upstream_states_expires ON upstream_states (expires_at);

-- The provider a login session came from, and its ID token (sealed), for logout at the
-- provider.
CREATE TABLE upstream_sessions (
    login_session_id TEXT PRIMARY KEY,
    provider_id      TEXT NOT NULL,
    id_token         BYTEA NOT NULL,
    created_at       BIGINT NOT NULL
);
