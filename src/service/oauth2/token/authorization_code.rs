//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, OpenID Connect
//! Core §3.1.3).
//!
//! The code is bound to its client and `redirect_uri`, checked against its PKCE
//! challenge, expires after `ttl.auth_code`, and is single use: it is taken with one
//! conditional UPDATE in the transaction that writes the tokens, so of two concurrent
//! redemptions exactly one succeeds. A second redemption fails with `invalid_grant` and
//! revokes every token issued from the code (RFC 6749 §4.1.2).

use super::{allows_grant, TokenResponse};
use crate::crypto::handle::{signature_of, Kind};
use crate::model::{AuthorizeCode, Client};
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::grant::{Grant, OidcSession};
use crate::protocol::lifespan::GrantKind;
use crate::protocol::pkce;
use crate::service::oauth2::issue::{IssueOptions, Issued, Minter};
use crate::service::oauth2::OAuth2;
use crate::store::{Exchange, NewTokens};

impl OAuth2 {
    pub(super) async fn authorization_code(
        &self,
        client: &Client,
        params: &Params,
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        let Some(code) = params.get("code") else {
            return Err(OAuthError::invalid_request(
                "The 'code' parameter is missing.",
            ));
        };
        let Some(signature) = signature_of(Kind::AuthorizeCode, code, &self.keys) else {
            return Err(OAuthError::invalid_grant(
                "The authorization code is malformed or was not issued by this server.",
            ));
        };
        // Trimmed as the authorization endpoint trims it, so the value a client sent there
        // matches when it sends the same value here.
        let redirect_uri = params.get("redirect_uri").map(str::trim);
        let verifier = params.get("code_verifier");
        let minter = Minter::new(self, client, GrantKind::AuthorizationCode, true).await?;
        let refresh_allowed = allows_grant(client, "refresh_token");
        let outcome = self
            .store
            .redeem_authorize_code(&signature, |c| {
                redeem(
                    &minter,
                    client,
                    c,
                    redirect_uri,
                    verifier,
                    refresh_allowed,
                    now,
                )
            })
            .await?;
        match outcome {
            Exchange::Done(issued) => Ok(TokenResponse::from_issued(issued)),
            Exchange::AlreadyUsed { request_id } => {
                self.store.revoke_grant(&request_id).await?;
                tracing::warn!(
                    client_id = %client.client_id,
                    "an authorization code was redeemed twice; the tokens issued from it are revoked"
                );
                Err(OAuthError::invalid_grant(
                    "The authorization code has already been used.",
                ))
            }
            Exchange::NotFound => Err(OAuthError::invalid_grant(
                "The authorization code is unknown.",
            )),
            Exchange::Rejected(e) => Err(e),
        }
    }
}

fn redeem(
    minter: &Minter,
    client: &Client,
    c: &AuthorizeCode,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
    refresh_allowed: bool,
    now: i64,
) -> Result<NewTokens<Issued>, OAuthError> {
    if c.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "The OAuth 2.0 Client ID from this request does not match the one from the authorize request.",
        ));
    }
    if c.expires_at <= now {
        return Err(OAuthError::invalid_grant(
            "The authorization code has expired.",
        ));
    }
    if !c.redirect_uri.is_empty() && redirect_uri != Some(c.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "The 'redirect_uri' from this request does not match the one from the authorize request.",
        ));
    }
    pkce::verify(&c.code_challenge, &c.code_challenge_method, verifier)?;
    let grant = Grant {
        request_id: c.request_id.clone(),
        client_id: c.client_id.clone(),
        subject: c.subject.clone(),
        obfuscated_subject: c.obfuscated_subject.clone(),
        scopes: c.granted_scope.clone(),
        audience: c.granted_audience.clone(),
        ext: c.session_access_token.clone(),
        session: OidcSession {
            id_token: c.session_id_token.clone(),
            auth_time: c.auth_time,
            requested_at: c.requested_at,
            acr: c.acr.clone(),
            amr: c.amr.clone(),
            sid: c.session_id.clone(),
            nonce: c.nonce.clone(),
        },
    };
    let opts = IssueOptions {
        access_token: true,
        refresh_token: grant.offline() && refresh_allowed,
        id_token: grant.openid(),
        code: None,
    };
    minter.mint_exchange(&grant, &opts, now)
}
