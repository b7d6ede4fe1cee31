-- The built-in user directory. `id` is a UUID and the OpenID Connect `sub`; `email` is
-- kept as given and `email_normalized` (trimmed, lowercase) is what must be unique.
-- `password_hash` is an argon2id PHC string. Roles and groups are JSON arrays as text;
-- times are unix seconds.
CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    name             TEXT NOT NULL,
    roles_json       TEXT NOT NULL,
    groups_json      TEXT NOT NULL,
    email_verified   BOOLEAN NOT NULL,
    disabled         BOOLEAN NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- Login failure counters, shared by every replica. `kind` is `account` or `address`;
-- `key_mac` is an HMAC of the normalised email or of the address, never the value itself.
-- `failures` counts within the fixed window starting at `window_start`; `locked_until`
-- (unix seconds, 0 = never) is set when the count reaches the limit.
CREATE TABLE login_failures (
    kind         TEXT NOT NULL,
    key_mac      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    PRIMARY KEY (kind, key_mac)
);
CREATE INDEX login_failures_window_start ON login_failures (window_start);
