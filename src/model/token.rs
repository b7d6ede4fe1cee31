//! A stored access or refresh token: only its signature, never the token itself.

/// One access or refresh token row (both tables have the same columns).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenRow {
    pub signature: String,
    pub request_id: String,
    pub client_id: String,
    /// The local subject (the client id for client_credentials).
    pub subject: String,
    /// The pairwise subject given to the client, or `""`.
    pub obfuscated_subject: String,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Granted audience, a JSON array.
    pub audience: String,
    /// The consent's `session.access_token`, a JSON object.
    pub ext: String,
    /// OpenID Connect data of the grant, JSON (see `oauth2::grant::GrantSession`).
    pub session: String,
    pub issued_at: i64,
    /// Unix seconds; 0 = never (refresh tokens only).
    pub expires_at: i64,
    pub active: bool,
}
