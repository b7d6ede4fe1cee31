-- OAuth 2.0 clients (Hydra's `oAuth2Client`). List fields and JSON objects are JSON
-- text; times are unix seconds. `pk` gives listing its insertion order, as Hydra's does.
-- `secret_hash` is the argon2id PHC string of the client secret, NULL for public clients.
CREATE TABLE clients (
    pk                                   BIGSERIAL PRIMARY KEY,
    id                                   TEXT NOT NULL UNIQUE,
    client_name                          TEXT NOT NULL,
    secret_hash                          TEXT,
    redirect_uris                        TEXT NOT NULL,
    grant_types                          TEXT NOT NULL,
    response_types                       TEXT NOT NULL,
    scope                                TEXT NOT NULL,
    audience                             TEXT NOT NULL,
    owner                                TEXT NOT NULL,
    policy_uri                           TEXT NOT NULL,
    allowed_cors_origins                 TEXT NOT NULL,
    tos_uri                              TEXT NOT NULL,
    client_uri                           TEXT NOT NULL,
    logo_uri                             TEXT NOT NULL,
    contacts                             TEXT NOT NULL,
    client_secret_expires_at             BIGINT NOT NULL,
    subject_type                         TEXT NOT NULL,
    jwks                                 TEXT,
    jwks_uri                             TEXT NOT NULL,
    token_endpoint_auth_method           TEXT NOT NULL,
    token_endpoint_auth_signing_alg      TEXT NOT NULL,
    request_uris                         TEXT NOT NULL,
    request_object_signing_alg           TEXT NOT NULL,
    userinfo_signed_response_alg         TEXT NOT NULL,
    sector_identifier_uri                TEXT NOT NULL,
    post_logout_redirect_uris            TEXT NOT NULL,
    frontchannel_logout_uri              TEXT NOT NULL,
    frontchannel_logout_session_required BOOLEAN NOT NULL,
    backchannel_logout_uri               TEXT NOT NULL,
    backchannel_logout_session_required  BOOLEAN NOT NULL,
    metadata                             TEXT,
    created_at                           BIGINT NOT NULL,
    updated_at                           BIGINT NOT NULL
);

CREATE INDEX clients_client_name_idx ON clients (client_name);
CREATE INDEX clients_owner_idx ON clients (owner);
