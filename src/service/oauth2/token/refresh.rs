//! `grant_type=refresh_token` (RFC 6749 §6) with rotation (RFC 9700 §4.14.2).
//!
//! Each use takes the presented refresh token (one conditional UPDATE; of concurrent
//! uses exactly one wins) and returns a new access and refresh token; the grant's older
//! access tokens are deleted in the same transaction. An optional `scope` narrows the
//! new access token (and ID token) to a subset of the original grant; the new refresh
//! token keeps the original scope (RFC 6749 §6).
//!
//! **Stricter than Hydra 1.9.2:** presenting a refresh token that was already rotated
//! (or revoked) is treated as token theft: every access and refresh token of its grant
//! (the whole token family, same `request_id`) is revoked and the request fails with
//! `invalid_grant`. This includes the loser of two concurrent uses of one refresh token.

use super::TokenResponse;
use crate::crypto::handle::{signature_of, Kind};
use crate::model::{Client, TokenRow};
use crate::protocol::error::OAuthError;
use crate::protocol::grant::Grant;
use crate::protocol::lifespan::GrantKind;
use crate::protocol::scope::scope_allowed;
use crate::service::oauth2::issue::{IssueOptions, Issued, Minter};
use crate::service::oauth2::OAuth2;
use crate::store::{Exchange, NewTokens};

impl OAuth2 {
    /// Rotates `presented`; `requested` (may be empty) narrows the new access token.
    pub(super) async fn refresh(
        &self,
        client: &Client,
        presented: &str,
        requested: &[String],
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        let Some(signature) = signature_of(Kind::RefreshToken, presented, &self.keys) else {
            return Err(OAuthError::invalid_grant(
                "The refresh token is malformed or was not issued by this server.",
            ));
        };
        self.check_account(&signature).await?;
        let minter = Minter::new(self, client, GrantKind::RefreshToken, true).await?;
        let strategy = &self.cfg.scope_strategy;
        let outcome = self
            .store
            .rotate_refresh_token(&signature, |old| {
                rotate(&minter, client, strategy, requested, old, now)
            })
            .await?;
        match outcome {
            Exchange::Done(issued) => Ok(TokenResponse::from_issued(issued)),
            Exchange::AlreadyUsed { request_id } => {
                self.store.revoke_grant(&request_id).await?;
                tracing::warn!(
                    client_id = %client.client_id,
                    "a rotated or revoked refresh token was presented; its token family is revoked"
                );
                Err(OAuthError::invalid_grant(
                "The refresh token was already used or revoked; every token of its grant has been revoked.",
            ))
            }
            Exchange::NotFound => Err(OAuthError::invalid_grant("The refresh token is unknown.")),
            Exchange::Rejected(e) => Err(e),
        }
    }
}

fn rotate(
    minter: &Minter,
    client: &Client,
    strategy: &str,
    requested: &[String],
    old: &TokenRow,
    now: i64,
) -> Result<NewTokens<Issued>, OAuthError> {
    if old.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "The OAuth 2.0 Client ID from this request does not match the ID during the initial token issuance.",
        ));
    }
    if old.expires_at > 0 && old.expires_at <= now {
        return Err(OAuthError::invalid_grant("The refresh token has expired."));
    }
    let grant = Grant::from_row(old).map_err(OAuthError::server_error)?;
    for s in &grant.scopes {
        if !scope_allowed(strategy, client.scopes(), s) {
            return Err(OAuthError::invalid_scope(format!(
                "The OAuth 2.0 Client is no longer allowed to perform a token refresh with scope '{s}'."
            )));
        }
    }
    let mut narrowed = grant.clone();
    if !requested.is_empty() {
        if let Some(s) = requested.iter().find(|s| !grant.has_scope(s)) {
            return Err(OAuthError::invalid_scope(format!(
                "The requested scope '{s}' was not granted originally."
            )));
        }
        narrowed.scopes = requested.to_vec();
    }
    let opts = IssueOptions {
        access_token: true,
        id_token: narrowed.openid(),
        ..IssueOptions::default()
    };
    let mut new = minter.mint_exchange(&narrowed, &opts, now)?;
    let (_, refresh, refreshed) = minter.mint(
        &grant,
        &IssueOptions {
            refresh_token: true,
            ..IssueOptions::default()
        },
        now,
    )?;
    new.refresh = refresh;
    new.out.refresh_token = refreshed.refresh_token;
    Ok(new)
}

impl OAuth2 {
    /// A refresh token of a built-in user (its subject is a user id) works only while
    /// the account exists and is enabled; otherwise its grant is revoked. Subjects of an
    /// external login app are not users here and pass.
    async fn check_account(&self, signature: &str) -> Result<(), OAuthError> {
        let Some(row) = self.store.get_refresh_token(signature).await? else {
            return Ok(());
        };
        let Ok(id) = uuid::Uuid::parse_str(&row.subject) else {
            return Ok(());
        };
        match self.store.user_get(id).await? {
            Some(u) if u.disabled => {}
            _ => return Ok(()),
        }
        self.store.revoke_grant(&row.request_id).await?;
        Err(OAuthError::invalid_grant(
            "The account of this refresh token is disabled.",
        ))
    }
}
