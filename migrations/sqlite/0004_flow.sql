-- The browser authorization flow: login sessions, login/consent/logout requests, and the
-- authorization codes it ends with. Challenges, verifiers and codes are stored as the
-- HMAC signature of the value handed out (see src/token), never as the value itself.
-- `challenge_value` is filled only once a request is handled, when the challenge can no
-- longer be used for anything; it lets the admin API echo it (e.g. consent's
-- `login_challenge`). Lists and objects are JSON text; times are unix seconds.

-- The authentication session behind the `oauth2_authentication_session` cookie.
CREATE TABLE flow_login_sessions (
    id               TEXT PRIMARY KEY,
    subject          TEXT NOT NULL,
    authenticated_at BIGINT NOT NULL,
    remember         BOOLEAN NOT NULL
);
CREATE INDEX flow_login_sessions_subject_idx ON flow_login_sessions (subject);

CREATE TABLE flow_login_requests (
    challenge                 TEXT PRIMARY KEY,
    challenge_value           TEXT NOT NULL DEFAULT '',
    verifier                  TEXT UNIQUE,
    csrf                      TEXT NOT NULL,
    client_id                 TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject                   TEXT NOT NULL,
    skip                      BOOLEAN NOT NULL,
    requested_scope           TEXT NOT NULL,
    requested_audience        TEXT NOT NULL,
    request_url               TEXT NOT NULL,
    session_id                TEXT NOT NULL,
    authenticated_at          BIGINT,
    requested_at              BIGINT NOT NULL,
    oidc_context              TEXT NOT NULL,
    handled_at                BIGINT,
    error                     TEXT,
    remember                  BOOLEAN NOT NULL DEFAULT FALSE,
    remember_for              BIGINT NOT NULL DEFAULT 0,
    accepted_subject          TEXT NOT NULL DEFAULT '',
    acr                       TEXT NOT NULL DEFAULT '',
    amr                       TEXT NOT NULL DEFAULT '[]',
    context                   TEXT NOT NULL DEFAULT '{}',
    force_subject_identifier  TEXT NOT NULL DEFAULT '',
    accepted_authenticated_at BIGINT NOT NULL DEFAULT 0,
    was_used                  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX flow_login_requests_requested_at_idx ON flow_login_requests (requested_at);

CREATE TABLE flow_consent_requests (
    challenge                TEXT PRIMARY KEY,
    challenge_value          TEXT NOT NULL DEFAULT '',
    verifier                 TEXT UNIQUE,
    csrf                     TEXT NOT NULL,
    client_id                TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject                  TEXT NOT NULL,
    skip                     BOOLEAN NOT NULL,
    requested_scope          TEXT NOT NULL,
    requested_audience       TEXT NOT NULL,
    request_url              TEXT NOT NULL,
    login_challenge          TEXT NOT NULL,
    login_session_id         TEXT NOT NULL,
    acr                      TEXT NOT NULL,
    amr                      TEXT NOT NULL,
    context                  TEXT NOT NULL,
    oidc_context             TEXT NOT NULL,
    force_subject_identifier TEXT NOT NULL,
    authenticated_at         BIGINT NOT NULL,
    requested_at             BIGINT NOT NULL,
    handled_at               BIGINT,
    error                    TEXT,
    grant_scope              TEXT NOT NULL DEFAULT '[]',
    grant_audience           TEXT NOT NULL DEFAULT '[]',
    session_access_token     TEXT NOT NULL DEFAULT '{}',
    session_id_token         TEXT NOT NULL DEFAULT '{}',
    remember                 BOOLEAN NOT NULL DEFAULT FALSE,
    remember_for             BIGINT NOT NULL DEFAULT 0,
    was_used                 BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX flow_consent_requests_subject_client_idx ON flow_consent_requests (subject, client_id);
CREATE INDEX flow_consent_requests_login_session_idx ON flow_consent_requests (login_session_id);

CREATE TABLE flow_logout_requests (
    challenge       TEXT PRIMARY KEY,
    challenge_value TEXT NOT NULL DEFAULT '',
    verifier        TEXT UNIQUE,
    subject         TEXT NOT NULL,
    sid             TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    request_url     TEXT NOT NULL,
    redirect_to     TEXT NOT NULL,
    rp_initiated    BOOLEAN NOT NULL,
    requested_at    BIGINT NOT NULL,
    accepted        BOOLEAN NOT NULL DEFAULT FALSE,
    rejected        BOOLEAN NOT NULL DEFAULT FALSE,
    was_used        BOOLEAN NOT NULL DEFAULT FALSE
);

-- `force_subject_identifier` from accepted logins, per (client, subject).
CREATE TABLE flow_forced_subjects (
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    obfuscated TEXT NOT NULL,
    PRIMARY KEY (client_id, subject)
);

-- Authorization codes: everything the token endpoint needs to issue the grant.
-- `request_id` is the consent challenge's signature, shared by every token of the grant.
-- `redirect_uri` is as sent ('' if omitted). `used` is set when the code is exchanged.
CREATE TABLE oauth2_authorize_codes (
    signature             TEXT PRIMARY KEY,
    request_id            TEXT NOT NULL,
    client_id             TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    redirect_uri          TEXT NOT NULL,
    requested_scope       TEXT NOT NULL,
    granted_scope         TEXT NOT NULL,
    granted_audience      TEXT NOT NULL,
    subject               TEXT NOT NULL,
    obfuscated_subject    TEXT NOT NULL,
    session_id            TEXT NOT NULL,
    auth_time             BIGINT NOT NULL,
    acr                   TEXT NOT NULL,
    amr                   TEXT NOT NULL,
    nonce                 TEXT NOT NULL,
    code_challenge        TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    session_access_token  TEXT NOT NULL,
    session_id_token      TEXT NOT NULL,
    requested_at          BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    used                  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX oauth2_authorize_codes_request_id_idx ON oauth2_authorize_codes (request_id);
CREATE INDEX oauth2_authorize_codes_expires_at_idx ON oauth2_authorize_codes (expires_at);
