//! Login, refresh and logout of the first-party API.
//!
//! * Login checks the password with [`crate::user::authenticate`] (the login page's
//!   check: one generic failure, the same throttle) and issues an ID, access and
//!   (with an offline scope) refresh token to the first-party client through
//!   [`crate::oauth2::issue::issue_tokens`], with the user's claims in the grant.
//! * Refresh hands the refresh token to the token endpoint's own code, so rotation and
//!   reuse detection are the token endpoint's; an account disabled or deleted since
//!   login loses its tokens instead.
//! * Logout revokes the grant of the token presented (every access and refresh token
//!   of that login) and ends the browser session the request carries, if any.

use super::answer::TokenAnswer;
use super::client::resolve;
use super::error::FirstPartyError;
use crate::app::AppState;
use crate::flow::cookies::{session_id_from, CookieConfig, RequestCookies, AUTH_SESSION};
use crate::flow::subject::obfuscated_subject;
use crate::oauth2::error::OAuth2Error;
use crate::oauth2::grant::{Grant, OidcSession};
use crate::oauth2::issue::{issue_tokens, IssueOptions};
use crate::oauth2::lookup::find;
use crate::oauth2::token::{allows_grant, token, TokenResponse};
use crate::secret::Secret;
use crate::user::{LoginError, UserError};
use std::net::IpAddr;

#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &str,
    password: &Secret,
    client_addr: IpAddr,
    now: i64,
) -> Result<TokenAnswer, FirstPartyError> {
    let fp = resolve(state).await?;
    fp.check_for_tokens()?;
    let user = crate::user::authenticate(state, email.trim(), password, client_addr, now)
        .await
        .map_err(|e| match e {
            LoginError::InvalidCredentials => FirstPartyError::InvalidCredentials,
            LoginError::Throttled { retry_after_secs } => {
                FirstPartyError::Throttled(retry_after_secs)
            }
            LoginError::Internal(e) => FirstPartyError::Internal(e),
        })?;
    let subject = user.id.to_string();
    let salt = state
        .settings
        .oidc
        .subject_identifiers
        .pairwise
        .salt
        .as_ref()
        .map(|s| s.expose());
    let obfuscated = obfuscated_subject(&fp.client, &subject, None, salt)
        .map_err(|e| FirstPartyError::Misconfigured(format!("pairwise subject: {e}")))?;
    let grant = Grant {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_id: fp.client.client_id.clone(),
        subject,
        obfuscated_subject: obfuscated,
        audience: Vec::new(),
        ext: Default::default(),
        session: OidcSession {
            id_token: crate::ui::claims::for_scopes(&user, &fp.scopes),
            auth_time: now,
            requested_at: now,
            amr: vec!["pwd".into()],
            ..OidcSession::default()
        },
        scopes: fp.scopes,
    };
    let opts = IssueOptions {
        access_token: true,
        refresh_token: grant.offline() && allows_grant(&fp.client, "refresh_token"),
        id_token: true,
        code: None,
    };
    let issued = issue_tokens(state, &grant, &opts, now).await?;
    TokenAnswer::from_tokens(TokenResponse::from_issued(issued)).map_err(FirstPartyError::internal)
}

#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: &AppState,
    refresh_token: &str,
    now: i64,
) -> Result<TokenAnswer, FirstPartyError> {
    if refresh_token.trim().is_empty() {
        return Err(FirstPartyError::BadRequest(
            "The request body field `refresh_token` is missing".into(),
        ));
    }
    let fp = resolve(state).await?;
    fp.check_for_tokens()?;
    if let Some((_, row)) = find(state, refresh_token).await? {
        if row.client_id == fp.client.client_id && !account_active(state, &row.subject).await? {
            state.store.revoke_grant(&row.request_id).await?;
            return Err(OAuth2Error::invalid_grant(
                "The account of this refresh token is disabled or no longer exists.",
            )
            .into());
        }
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", &fp.client.client_id)
        .append_pair("refresh_token", refresh_token.trim())
        .finish();
    let answer = token(state, None, body.as_bytes(), now).await?;
    TokenAnswer::from_tokens(answer).map_err(FirstPartyError::internal)
}

async fn account_active(state: &AppState, subject: &str) -> Result<bool, FirstPartyError> {
    match crate::user::get(&state.store, subject).await {
        Ok(u) => Ok(!u.disabled),
        Err(UserError::NotFound) | Err(UserError::Invalid(_)) => Ok(false),
        Err(e) => Err(FirstPartyError::internal(e)),
    }
}

/// What logout did: the `Set-Cookie` values that end the browser session, if any.
#[derive(Debug, Default)]
pub struct LoggedOut {
    pub cookies: Vec<String>,
}

/// Revokes the grants of the tokens given (access and/or refresh) and ends the
/// browser's login session. Unknown or already revoked tokens are fine (logging out
/// twice succeeds); a token of another client is refused.
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: &AppState,
    tokens: &[&str],
    jar: &RequestCookies,
    now: i64,
) -> Result<LoggedOut, FirstPartyError> {
    let cookies = CookieConfig::new(&state.settings, &state.keys);
    let session = cookies.read(jar, AUTH_SESSION);
    let tokens: Vec<&str> = tokens
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() && session.is_none() {
        return Err(FirstPartyError::BadRequest(
            "Send the refresh token in the body or the access token as a Bearer token".into(),
        ));
    }
    let fp = resolve(state).await?;
    let mut grants = Vec::new();
    for t in tokens {
        if let Some((_, row)) = find(state, t).await? {
            if row.client_id != fp.client.client_id {
                return Err(FirstPartyError::BadRequest(
                    "The token was not issued by the first-party login API".into(),
                ));
            }
            grants.push(row.request_id);
        }
    }
    state.store.revoke_grants(&grants).await?;
    let mut out = LoggedOut::default();
    if let Some(payload) = session {
        if let Some(sid) = session_id_from(&payload, now) {
            state.store.delete_login_session(sid).await?;
        }
        out.cookies = cookies.clear(AUTH_SESSION);
    }
    Ok(out)
}
