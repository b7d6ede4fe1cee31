//! Authorization codes (the insert side; the token endpoint consumes them) and
//! revocation of everything issued under a grant.

use super::super::{with_pool, Store, StoreResult};
use super::to_json;
use crate::model::AuthorizeCode;

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_authorize_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_authorize_code(&self, c: &AuthorizeCode) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO oauth2_authorize_codes (signature, request_id, client_id, redirect_uri, \
                 requested_scope, granted_scope, granted_audience, subject, obfuscated_subject, session_id, \
                 auth_time, acr, amr, nonce, code_challenge, code_challenge_method, session_access_token, \
                 session_id_token, requested_at, expires_at, used) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
            )
            .bind(&c.signature)
            .bind(&c.request_id)
            .bind(&c.client_id)
            .bind(&c.redirect_uri)
            .bind(to_json(&c.requested_scope))
            .bind(to_json(&c.granted_scope))
            .bind(to_json(&c.granted_audience))
            .bind(&c.subject)
            .bind(&c.obfuscated_subject)
            .bind(&c.session_id)
            .bind(c.auth_time)
            .bind(&c.acr)
            .bind(to_json(&c.amr))
            .bind(&c.nonce)
            .bind(&c.code_challenge)
            .bind(&c.code_challenge_method)
            .bind(to_json(&c.session_access_token))
            .bind(to_json(&c.session_id_token))
            .bind(c.requested_at)
            .bind(c.expires_at)
            .bind(c.used)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    /// Revokes everything issued under the grants `request_ids` (consent challenge ids):
    /// their authorization codes, and their access and refresh tokens.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db revoke_tokens_by_request_ids", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn revoke_tokens_by_request_ids(&self, request_ids: &[String]) -> StoreResult<()> {
        self.revoke_grants(request_ids).await?;
        for id in request_ids {
            with_pool!(self, |p| {
                sqlx::query("DELETE FROM oauth2_authorize_codes WHERE request_id = $1")
                    .bind(id)
                    .execute(p)
                    .await
                    .map(|_| ())?
            });
        }
        Ok(())
    }
}
