-- JSON Web Keys. One row per (set, kid). `private_key` is the PKCS#8 document sealed with
-- AES-256-GCM under the system secret (NULL for public-only keys); `public_jwk` is the
-- public JWK as JSON. `pk` orders keys created within the same second; AUTOINCREMENT so
-- that a deleted key's pk is never reused (decrypted keys are cached by pk).
-- `bootstrap` is set (to the set name) only on the key generated automatically for an
-- empty default set; its unique index lets exactly one of several replicas starting at
-- once insert that key (the others' INSERT … ON CONFLICT DO NOTHING affects no row).
CREATE TABLE jwk_keys (
    pk          INTEGER PRIMARY KEY AUTOINCREMENT,
    set_id      TEXT NOT NULL,
    kid         TEXT NOT NULL,
    alg         TEXT NOT NULL,
    key_use     TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    private_key BLOB,
    created_at  BIGINT NOT NULL,
    bootstrap   TEXT,
    CONSTRAINT jwk_keys_set_kid UNIQUE (set_id, kid),
    CONSTRAINT jwk_keys_bootstrap UNIQUE (bootstrap)
);
