//! Minting the tokens of a grant: an access token (opaque, or an RFC 9068 JWT with
//! `strategies.access_token = jwt` or the client's `access_token_strategy = jwt`),
//! optionally a refresh token, optionally an ID token, each living for the client's
//! lifespan for the grant where it sets one (`protocol::lifespan`), else the server's TTL.
//!
//! [`Minter::mint`] is synchronous and touches no database, so the token endpoint can
//! run it inside the transaction that consumes a code or refresh token;
//! [`OAuth2::issue_tokens`] mints and stores in one go (client_credentials, and the implicit and
//! hybrid responses of `/oauth2/auth`).

use super::OAuth2;
use crate::crypto::handle::{Kind, Minted};
use crate::jwk::{SigningKey, ACCESS_TOKEN_SET, ID_TOKEN_SET};
use crate::model::{Client, TokenRow};
use crate::protocol::error::OAuthError;
use crate::protocol::grant::Grant;
use crate::protocol::id_token::{self, IdTokenInput};
use crate::protocol::lifespan::{GrantKind, TokenSettings};
use crate::secret::Secret;
use crate::store::NewTokens;
use serde_json::{json, Value};
use std::sync::Arc;

/// What to issue for a grant.
#[derive(Debug, Clone, Default)]
pub struct IssueOptions<'a> {
    pub access_token: bool,
    pub refresh_token: bool,
    pub id_token: bool,
    /// The authorization code issued alongside (hybrid flow): the ID token gets `c_hash`.
    pub code: Option<&'a str>,
}

/// Tokens for the client. `expires_in` is the access token's lifetime in seconds.
#[derive(Debug, Default)]
pub struct Issued {
    pub access_token: Option<Secret>,
    pub expires_in: i64,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: String,
}

/// Everything minting needs, fetched before any transaction starts.
pub struct Minter {
    keys: Arc<crate::crypto::SystemKeys>,
    issuer: String,
    access_ttl: i64,
    refresh_ttl: i64,
    id_ttl: i64,
    access_signer: Option<Arc<SigningKey>>,
    id_signer: Option<Arc<SigningKey>>,
}

impl Minter {
    /// For tokens of `client` issued by `grant`: the client's lifespans and access token
    /// strategy where it sets them, the server's settings otherwise.
    /// `need_id_token`: load the ID token key (only when an ID token may be issued).
    pub async fn new(
        o: &OAuth2,
        client: &Client,
        grant: GrantKind,
        need_id_token: bool,
    ) -> Result<Minter, OAuthError> {
        let cfg = &o.cfg;
        let server = TokenSettings {
            access_ttl: cfg.access_ttl,
            refresh_ttl: cfg.refresh_ttl,
            id_ttl: cfg.id_ttl,
            jwt_access_token: cfg.jwt_access_tokens,
        };
        let ttl = server.for_client(client, grant);
        let access_signer = if ttl.jwt_access_token {
            Some(
                o.jwks
                    .signing_key(ACCESS_TOKEN_SET)
                    .await
                    .map_err(OAuthError::server_error)?,
            )
        } else {
            None
        };
        let id_signer = if need_id_token {
            Some(
                o.jwks
                    .signing_key(ID_TOKEN_SET)
                    .await
                    .map_err(OAuthError::server_error)?,
            )
        } else {
            None
        };
        Ok(Minter {
            keys: o.keys.clone(),
            issuer: cfg.issuer.clone(),
            access_ttl: ttl.access_ttl,
            refresh_ttl: ttl.refresh_ttl,
            id_ttl: ttl.id_ttl,
            access_signer,
            id_signer,
        })
    }

    /// Mints the tokens and the rows to store (at least an access or an ID token).
    #[tracing::instrument(skip_all)]
    pub fn mint(
        &self,
        grant: &Grant,
        opts: &IssueOptions<'_>,
        now: i64,
    ) -> Result<(Option<TokenRow>, Option<TokenRow>, Issued), OAuthError> {
        let mut issued = Issued {
            scope: grant.scope_string(),
            ..Issued::default()
        };
        let mut access_row = None;
        if opts.access_token {
            let exp = now + self.access_ttl;
            let (value, signature) = match &self.access_signer {
                Some(key) => {
                    let jwt = key
                        .sign(&self.access_claims(grant, now, exp), Some("at+jwt"))
                        .map_err(OAuthError::server_error)?;
                    let sig = jwt.rsplit('.').next().unwrap_or_default().to_string();
                    (Secret::new(jwt), sig)
                }
                None => {
                    let m = Minted::new(Kind::AccessToken, &self.keys);
                    (m.value, m.signature)
                }
            };
            access_row = Some(grant.row(signature, now, exp));
            issued.access_token = Some(value);
            issued.expires_in = self.access_ttl;
        }
        let mut refresh_row = None;
        if opts.refresh_token {
            let m = Minted::new(Kind::RefreshToken, &self.keys);
            refresh_row = Some(grant.row(m.signature, now, now + self.refresh_ttl));
            issued.refresh_token = Some(m.value);
        }
        if opts.id_token {
            let key = self
                .id_signer
                .as_ref()
                .ok_or_else(|| OAuthError::server_error("the ID token key was not loaded"))?;
            let at_hash = issued
                .access_token
                .as_ref()
                .map(|t| key.hash_for_at_hash(t.expose()));
            let c_hash = opts.code.map(|c| key.hash_for_at_hash(c));
            let claims = id_token::claims(IdTokenInput {
                issuer: &self.issuer,
                grant,
                now,
                ttl: self.id_ttl,
                at_hash,
                c_hash,
            });
            issued.id_token = Some(
                key.sign(&claims, Some("JWT"))
                    .map_err(OAuthError::server_error)?,
            );
        }
        Ok((access_row, refresh_row, issued))
    }

    /// [`Self::mint`] for an exchange, which always yields an access token.
    pub fn mint_exchange(
        &self,
        grant: &Grant,
        opts: &IssueOptions<'_>,
        now: i64,
    ) -> Result<NewTokens<Issued>, OAuthError> {
        let (access, refresh, out) = self.mint(grant, opts, now)?;
        let access = access.ok_or_else(|| OAuthError::server_error("no access token minted"))?;
        Ok(NewTokens {
            access,
            refresh,
            out,
        })
    }

    /// RFC 9068 claims, plus Hydra's `scp` list and `ext` object. The client can read
    /// a JWT access token, so `sub` is the subject the client may know: the pairwise one
    /// for pairwise clients (RFC 9068 §6; Hydra refuses this combination outright).
    /// Resource servers get the local subject from introspection.
    fn access_claims(&self, grant: &Grant, now: i64, exp: i64) -> Value {
        json!({
            "iss": self.issuer,
            "sub": grant.client_subject(),
            "aud": grant.audience,
            "client_id": grant.client_id,
            "scope": grant.scope_string(),
            "scp": grant.scopes,
            "iat": now,
            "nbf": now,
            "exp": exp,
            "jti": uuid::Uuid::new_v4().to_string(),
            "ext": grant.ext,
        })
    }
}

/// Mints and stores the tokens of a granted session. Used by client_credentials and by
/// the implicit and hybrid responses of the authorization endpoint (`token`,
/// `id_token`, `code id_token`, …): pass the code for `c_hash` in `opts.code`.
impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn issue_tokens(
        &self,
        (client, kind): (&Client, GrantKind),
        grant: &Grant,
        opts: &IssueOptions<'_>,
        now: i64,
    ) -> Result<Issued, OAuthError> {
        let minter = Minter::new(self, client, kind, opts.id_token).await?;
        let (access, refresh, issued) = minter.mint(grant, opts, now)?;
        if let Some(access) = &access {
            self.store.insert_tokens(access, refresh.as_ref()).await?;
        }
        Ok(issued)
    }
}

#[cfg(test)]
mod tests;
