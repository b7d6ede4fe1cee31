//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, OpenID Connect
//! Core §3.1.3).
//!
//! The code is bound to its client and `redirect_uri`, checked against its PKCE
//! challenge, expires after `ttl.auth_code`, and is single use: it is taken with one
//! conditional UPDATE in the transaction that writes the tokens, so of two concurrent
//! redemptions exactly one succeeds. A second redemption fails with `invalid_grant` and
//! revokes every token issued from the code (RFC 6749 §4.1.2).

use super::{allows_grant, TokenResponse};
use crate::app::AppState;
use crate::client::Client;
use crate::crypto::{b64url, constant_time_eq};
use crate::oauth2::authorize::AuthorizeCode;
use crate::oauth2::error::OAuth2Error;
use crate::oauth2::grant::{Grant, OidcSession};
use crate::oauth2::issue::{IssueOptions, Issued, Minter};
use crate::oauth2::params::Params;
use crate::store::{Exchange, NewTokens};
use crate::token::{signature_of, Kind};

pub async fn exchange(
    state: &AppState,
    client: &Client,
    params: &Params,
    now: i64,
) -> Result<TokenResponse, OAuth2Error> {
    let Some(code) = params.get("code") else {
        return Err(OAuth2Error::invalid_request(
            "The 'code' parameter is missing.",
        ));
    };
    let Some(signature) = signature_of(Kind::AuthorizeCode, code, &state.keys) else {
        return Err(OAuth2Error::invalid_grant(
            "The authorization code is malformed or was not issued by this server.",
        ));
    };
    // Trimmed as the authorization endpoint trims it, so the value a client sent there
    // matches when it sends the same value here.
    let redirect_uri = params.get("redirect_uri").map(str::trim);
    let verifier = params.get("code_verifier");
    let minter = Minter::new(state, true).await?;
    let refresh_allowed = allows_grant(client, "refresh_token");
    let outcome = state
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
            state.store.revoke_grant(&request_id).await?;
            tracing::warn!(
                client_id = %client.client_id,
                "an authorization code was redeemed twice; the tokens issued from it are revoked"
            );
            Err(OAuth2Error::invalid_grant(
                "The authorization code has already been used.",
            ))
        }
        Exchange::NotFound => Err(OAuth2Error::invalid_grant(
            "The authorization code is unknown.",
        )),
        Exchange::Rejected(e) => Err(e),
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
) -> Result<NewTokens<Issued>, OAuth2Error> {
    if c.client_id != client.client_id {
        return Err(OAuth2Error::invalid_grant(
            "The OAuth 2.0 Client ID from this request does not match the one from the authorize request.",
        ));
    }
    if c.expires_at <= now {
        return Err(OAuth2Error::invalid_grant(
            "The authorization code has expired.",
        ));
    }
    if !c.redirect_uri.is_empty() && redirect_uri != Some(c.redirect_uri.as_str()) {
        return Err(OAuth2Error::invalid_grant(
            "The 'redirect_uri' from this request does not match the one from the authorize request.",
        ));
    }
    check_pkce(&c.code_challenge, &c.code_challenge_method, verifier)?;
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

/// RFC 7636 §4.6. A code issued without a challenge refuses any verifier, so that PKCE
/// cannot be stripped from a request (RFC 9700 §2.1.1).
pub fn check_pkce(
    challenge: &str,
    method: &str,
    verifier: Option<&str>,
) -> Result<(), OAuth2Error> {
    let Some(verifier) = verifier else {
        if challenge.is_empty() {
            return Ok(());
        }
        return Err(OAuth2Error::invalid_grant(
            "The PKCE code verifier is missing: the authorization request had a code_challenge.",
        ));
    };
    if challenge.is_empty() {
        return Err(OAuth2Error::invalid_grant(
            "A PKCE code_verifier was sent but the authorization request had no code_challenge.",
        ));
    }
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(OAuth2Error::invalid_grant(
            "The PKCE code verifier must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~'.",
        ));
    }
    let computed = match method {
        "plain" => verifier.to_string(),
        _ => b64url(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref(),
        ),
    };
    if constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
        Ok(())
    } else {
        Err(OAuth2Error::invalid_grant(
            "The PKCE code challenge did not match the code verifier.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_follows_rfc7636_and_refuses_downgrades() {
        // RFC 7636 Appendix B.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_pkce(c, "S256", Some(v)).is_ok());
        assert!(check_pkce(c, "S256", None).is_err());
        assert!(check_pkce(c, "S256", Some(&v.replace('d', "e"))).is_err());
        assert!(check_pkce("", "", None).is_ok());
        assert!(check_pkce("", "", Some(v)).is_err());
        assert!(check_pkce(v, "plain", Some(v)).is_ok());
        assert!(check_pkce("short", "plain", Some("short")).is_err());
    }
}
