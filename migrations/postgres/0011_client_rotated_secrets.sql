-- Hydra v2's client secret rotation (`POST /admin/clients/{id}/secrets/rotate`).

-- The argon2id hashes of the client's previous secrets, newest first, as a JSON array of
-- PHC strings; each still authenticates the client until
-- `DELETE /admin/clients/{id}/secrets/rotate` empties the list. At most five are kept
-- (every one is one more argon2 run for a wrong secret).
ALTER TABLE clients ADD COLUMN rotated_secret_hashes TEXT NOT NULL DEFAULT '[]';
