//! Redeeming authorization codes (the table is the flow's, migration 0004).

use super::super::{Store, StoreError, StoreResult};
use super::{Exchange, NewTokens, Redemption};
use crate::model::AuthorizeCode;

/// A row of `oauth2_authorize_codes` (migration 0004, owned by the flow).
#[derive(sqlx::FromRow)]
struct CodeRow {
    signature: String,
    request_id: String,
    client_id: String,
    redirect_uri: String,
    requested_scope: String,
    granted_scope: String,
    granted_audience: String,
    subject: String,
    obfuscated_subject: String,
    session_id: String,
    auth_time: i64,
    acr: String,
    amr: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    session_access_token: String,
    session_id_token: String,
    requested_at: i64,
    expires_at: i64,
    used: bool,
}

const CODE_COLUMNS: &str = "signature, request_id, client_id, redirect_uri, requested_scope, \
     granted_scope, granted_audience, subject, obfuscated_subject, session_id, auth_time, acr, \
     amr, nonce, code_challenge, code_challenge_method, session_access_token, session_id_token, \
     requested_at, expires_at, used";

impl CodeRow {
    fn into_code(self) -> StoreResult<AuthorizeCode> {
        fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> StoreResult<T> {
            serde_json::from_str(s)
                .map_err(|e| StoreError::Corrupt(format!("authorization code {what}: {e}")))
        }
        Ok(AuthorizeCode {
            requested_scope: json("requested_scope", &self.requested_scope)?,
            granted_scope: json("granted_scope", &self.granted_scope)?,
            granted_audience: json("granted_audience", &self.granted_audience)?,
            amr: json("amr", &self.amr)?,
            session_access_token: json("session_access_token", &self.session_access_token)?,
            session_id_token: json("session_id_token", &self.session_id_token)?,
            signature: self.signature,
            request_id: self.request_id,
            client_id: self.client_id,
            redirect_uri: self.redirect_uri,
            subject: self.subject,
            obfuscated_subject: self.obfuscated_subject,
            session_id: self.session_id,
            auth_time: self.auth_time,
            acr: self.acr,
            nonce: self.nonce,
            code_challenge: self.code_challenge,
            code_challenge_method: self.code_challenge_method,
            requested_at: self.requested_at,
            expires_at: self.expires_at,
            used: self.used,
        })
    }
}

impl Store {
    /// Exchanges an authorization code: marks it used (`used` FALSE → TRUE; of
    /// concurrent redemptions exactly one gets the row), lets `check` refuse it or mint
    /// the tokens, and writes them, in one transaction. A refused code stays unused.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db redeem_authorize_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn redeem_authorize_code<T, E>(
        &self,
        signature: &str,
        check: impl FnOnce(&AuthorizeCode) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>> {
        let take = format!(
            "UPDATE oauth2_authorize_codes SET used = TRUE \
             WHERE signature = $1 AND used = FALSE RETURNING {CODE_COLUMNS}"
        );
        let redemption = Redemption {
            take: &take,
            used: "SELECT request_id FROM oauth2_authorize_codes WHERE signature = $1",
            replaces_access_tokens: false,
        };
        self.redeem(&redemption, signature, CodeRow::into_code, check)
            .await
    }
}
