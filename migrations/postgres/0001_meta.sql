-- Facts about the installation, e.g. a check value for the system secret.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
