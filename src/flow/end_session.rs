//! `/oauth2/sessions/logout`: RP- and OP-initiated logout, and its completion after the
//! logout app accepted. Every error here goes to the error page, never to a client.

use super::backchannel;
use super::config::FlowConfig;
use super::cookies::{session_id_from, RequestCookies, AUTH_SESSION};
use super::logout::{check_logout_hint, frontchannel_url, post_logout_redirect};
use super::model::{LoginSession, LogoutRequest};
use super::reply::{BrowserReply, ReplyKind};
use crate::app::AppState;
use crate::client::Client;
use crate::oauth2::authorize::{AuthError, Params};
use crate::token::{signature_of, Kind, Minted};

/// Handles one visit to the logout endpoint. `request_url` is the path and query.
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: &AppState,
    params: &Params,
    jar: &RequestCookies,
    request_url: &str,
    now: i64,
) -> BrowserReply {
    let cfg = FlowConfig::new(state);
    let verifier = params.get("logout_verifier");
    let result = if verifier.is_empty() {
        start(state, &cfg, params, jar, request_url, now).await
    } else {
        complete(state, &cfg, verifier, jar, now).await
    };
    result.unwrap_or_else(|e| BrowserReply::error_page(&cfg, &e, Vec::new()))
}

async fn cookie_session(
    state: &AppState,
    cfg: &FlowConfig,
    jar: &RequestCookies,
    now: i64,
) -> Result<Option<LoginSession>, AuthError> {
    let Some(payload) = cfg.cookies.read(jar, AUTH_SESSION) else {
        return Ok(None);
    };
    let Some(sid) = session_id_from(&payload, now) else {
        return Ok(None);
    };
    let s = state
        .store
        .get_login_session(sid)
        .await
        .map_err(AuthError::server_error)?;
    Ok(s.filter(|s| s.remember))
}

async fn start(
    state: &AppState,
    cfg: &FlowConfig,
    params: &Params,
    jar: &RequestCookies,
    request_url: &str,
    now: i64,
) -> Result<BrowserReply, AuthError> {
    let hint = params.get("id_token_hint");
    let requested_redirect = params.get("post_logout_redirect_uri");
    let logout_state = params.get("state");
    let mut request = LogoutRequest {
        challenge: String::new(),
        challenge_value: String::new(),
        subject: String::new(),
        sid: String::new(),
        client_id: String::new(),
        request_url: request_url.to_string(),
        redirect_to: cfg.post_logout_url.clone(),
        rp_initiated: false,
        requested_at: now,
        accepted: false,
        rejected: false,
        was_used: false,
    };
    if hint.is_empty() {
        for (name, value) in [
            ("state", logout_state),
            ("post_logout_redirect_uri", requested_redirect),
        ] {
            if !value.is_empty() {
                return Err(AuthError::invalid_request(format!(
                    "Logout failed because query parameter {name} is set but id_token_hint is missing."
                )));
            }
        }
        let Some(session) = cookie_session(state, cfg, jar, now).await? else {
            return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
        };
        request.subject = session.subject;
        request.sid = session.id;
    } else {
        let claims = state.jwks.verify(crate::jwk::ID_TOKEN_SET, hint).await.map_err(|e| {
            tracing::debug!(error = %e, "logout id_token_hint refused");
            AuthError::invalid_request("Logout failed because the id_token_hint is not a valid ID Token of this server.")
        })?;
        let h = check_logout_hint(&claims, &cfg.issuer, now)?;
        let mut client: Option<Client> = None;
        for aud in &h.audiences {
            if let Some(c) = state
                .store
                .get_client(aud)
                .await
                .map_err(AuthError::server_error)?
            {
                client = Some(c);
                break;
            }
        }
        let client = client.ok_or_else(|| {
            AuthError::invalid_request(
                "Logout failed because none of the listed audiences is a registered OAuth 2.0 Client.",
            )
        })?;
        request.redirect_to = post_logout_redirect(
            &client.post_logout_redirect_uris,
            requested_redirect,
            logout_state,
            &cfg.post_logout_url,
        )?;
        let session = state
            .store
            .get_login_session(&h.sid)
            .await
            .map_err(AuthError::server_error)?;
        let Some(session) = session.filter(|s| s.remember) else {
            return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
        };
        request.subject = session.subject;
        request.sid = h.sid;
        request.client_id = client.client_id;
        request.rp_initiated = true;
    }
    let challenge = Minted::new(Kind::LogoutChallenge, &state.keys);
    request.challenge = challenge.signature.clone();
    state
        .store
        .insert_logout_request(&request)
        .await
        .map_err(AuthError::server_error)?;
    let to = super::authorize::with_param(
        &cfg.logout_url,
        "logout_challenge",
        challenge.value.expose(),
    );
    Ok(BrowserReply::redirect(to, Vec::new()))
}

async fn complete(
    state: &AppState,
    cfg: &FlowConfig,
    verifier: &str,
    jar: &RequestCookies,
    now: i64,
) -> Result<BrowserReply, AuthError> {
    let invalid = || {
        AuthError::invalid_request(
            "The logout verifier has already been used, has not been granted, or is invalid.",
        )
    };
    let sig = signature_of(Kind::LogoutVerifier, verifier, &state.keys).ok_or_else(invalid)?;
    let request = state
        .store
        .consume_logout_verifier(&sig)
        .await
        .map_err(AuthError::server_error)?
        .ok_or_else(invalid)?;
    if request.requested_at + cfg.request_ttl < now {
        return Err(AuthError::request_unauthorized(
            "The logout request has expired, please try again.",
        ));
    }
    if !request.rp_initiated {
        // The user may have logged out in another tab, or logged in as someone else.
        let current = cookie_session(state, cfg, jar, now).await?;
        if current.is_none_or(|s| s.subject != request.subject) {
            return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
        }
    }
    let cookies = cfg.cookies.clear(AUTH_SESSION);
    let store = &state.store;
    let mut front = Vec::new();
    let mut back = Vec::new();
    for id in store
        .clients_of_login_session(&request.sid, &request.subject)
        .await
        .map_err(AuthError::server_error)?
    {
        let Some(c) = store
            .get_client(&id)
            .await
            .map_err(AuthError::server_error)?
        else {
            continue;
        };
        if !c.frontchannel_logout_uri.is_empty() {
            if let Some(u) = frontchannel_url(&c.frontchannel_logout_uri, &cfg.issuer, &request.sid)
            {
                front.push(u);
            }
        }
        if !c.backchannel_logout_uri.is_empty() {
            back.push((c.client_id, c.backchannel_logout_uri));
        }
    }
    backchannel::spawn_notifications(
        state.clone(),
        cfg.issuer.clone(),
        request.sid.clone(),
        back,
        now,
    );
    store
        .delete_login_session(&request.sid)
        .await
        .map_err(AuthError::server_error)?;
    if front.is_empty() {
        return Ok(BrowserReply::redirect(&request.redirect_to, cookies));
    }
    Ok(BrowserReply {
        kind: ReplyKind::FrontChannelLogout {
            urls: front,
            redirect_to: request.redirect_to,
        },
        cookies,
    })
}
