-- Hydra v2's additions to clients, login and consent requests.

-- `skip_consent`: the consent request of this client is accepted without the consent
-- app (granting what was requested), as in Hydra v2. Set only through `/admin/clients`.
ALTER TABLE clients ADD COLUMN skip_consent BOOLEAN NOT NULL DEFAULT FALSE;
-- `skip_logout_consent`: an RP-initiated logout of this client is accepted without the
-- logout app.
ALTER TABLE clients ADD COLUMN skip_logout_consent BOOLEAN NOT NULL DEFAULT FALSE;

-- The v2 fields of a login accept. `extend_session_lifespan` re-issues the remembered
-- session's cookie for another `remember_for` when a skipped login is accepted;
-- `identity_provider_session_id` (the login app's own session id) is kept with the
-- request for the operator, as nothing here propagates logouts to the login app.
ALTER TABLE flow_login_requests ADD COLUMN extend_session_lifespan BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE flow_login_requests ADD COLUMN identity_provider_session_id TEXT NOT NULL DEFAULT '';

-- The `context` of a consent accept (v2), which the consent session listing shows under
-- `/admin`; NULL when the consent app gave none.
ALTER TABLE flow_consent_requests ADD COLUMN granted_context TEXT;
