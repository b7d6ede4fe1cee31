//! The admin side of login and consent: read a request, accept or reject it.
//! Each returns what the HTTP layer renders; a request that is unknown is
//! [`FlowError::NotFound`], one already handled [`FlowError::Conflict`].

use super::consent::{accept_consent, AcceptConsent};
use super::errors::FlowError;
use super::login::{accept_login, AcceptLogin};
use super::model::{ConsentRequest, LoginRequest, RejectError};
use crate::app::AppState;
use crate::client::Client;
use crate::oauth2::authorize::response::merge_query;
use crate::token::{signature_of, Kind, Minted};

async fn client_of(state: &AppState, id: &str) -> Result<Client, FlowError> {
    let mut c = state
        .store
        .get_client(id)
        .await?
        .ok_or(FlowError::NotFound)?;
    c.client_secret = None;
    Ok(c)
}

/// `request_url` with the verifier added: where the app sends the browser next.
fn redirect_to(request_url: &str, name: &str, verifier: &Minted) -> Result<String, FlowError> {
    let url = url::Url::parse(request_url)
        .map_err(|e| FlowError::Internal(format!("stored request_url: {e}")))?;
    Ok(merge_query(
        &url,
        &[(name.to_string(), verifier.value.expose().to_string())],
    )
    .to_string())
}

async fn find_login(
    state: &AppState,
    challenge: &str,
) -> Result<(String, LoginRequest), FlowError> {
    let sig =
        signature_of(Kind::LoginChallenge, challenge, &state.keys).ok_or(FlowError::NotFound)?;
    let r = state
        .store
        .get_login_request(&sig)
        .await?
        .ok_or(FlowError::NotFound)?;
    if r.handled_at.is_some() {
        return Err(FlowError::Conflict);
    }
    Ok((sig, r))
}

#[tracing::instrument(skip_all)]
pub async fn get_login(
    state: &AppState,
    challenge: &str,
) -> Result<(LoginRequest, Client), FlowError> {
    let (_, r) = find_login(state, challenge).await?;
    let client = client_of(state, &r.client_id).await?;
    Ok((r, client))
}

/// Accepts (`Ok`) or rejects (`Err`) a login request; returns `redirect_to`.
#[tracing::instrument(skip_all)]
pub async fn handle_login(
    state: &AppState,
    challenge: &str,
    decision: Result<AcceptLogin, RejectError>,
    now: i64,
) -> Result<String, FlowError> {
    let (sig, r) = find_login(state, challenge).await?;
    let verifier = Minted::new(Kind::LoginVerifier, &state.keys);
    let done = match decision {
        Ok(body) => {
            let accepted = accept_login(&r, body, now)?;
            state
                .store
                .handle_login_request(&sig, challenge, &verifier.signature, Ok(&accepted), now)
                .await?
        }
        Err(reject) => {
            let reject = reject.with_defaults("login request denied");
            state
                .store
                .handle_login_request(&sig, challenge, &verifier.signature, Err(&reject), now)
                .await?
        }
    };
    if !done {
        return Err(FlowError::Conflict);
    }
    redirect_to(&r.request_url, "login_verifier", &verifier)
}

async fn find_consent(
    state: &AppState,
    challenge: &str,
) -> Result<(String, ConsentRequest), FlowError> {
    let sig =
        signature_of(Kind::ConsentChallenge, challenge, &state.keys).ok_or(FlowError::NotFound)?;
    let r = state
        .store
        .get_consent_request(&sig)
        .await?
        .ok_or(FlowError::NotFound)?;
    if r.handled_at.is_some() {
        return Err(FlowError::Conflict);
    }
    Ok((sig, r))
}

#[tracing::instrument(skip_all)]
pub async fn get_consent(
    state: &AppState,
    challenge: &str,
) -> Result<(ConsentRequest, Client), FlowError> {
    let (_, r) = find_consent(state, challenge).await?;
    let client = client_of(state, &r.client_id).await?;
    Ok((r, client))
}

/// Accepts (`Ok`) or rejects (`Err`) a consent request; returns `redirect_to`.
#[tracing::instrument(skip_all)]
pub async fn handle_consent(
    state: &AppState,
    challenge: &str,
    decision: Result<AcceptConsent, RejectError>,
    now: i64,
) -> Result<String, FlowError> {
    let (sig, r) = find_consent(state, challenge).await?;
    let verifier = Minted::new(Kind::ConsentVerifier, &state.keys);
    let done = match decision {
        Ok(body) => {
            let accepted = accept_consent(body)?;
            state
                .store
                .handle_consent_request(&sig, challenge, &verifier.signature, Ok(&accepted), now)
                .await?
        }
        Err(reject) => {
            let reject = reject.with_defaults("consent request denied");
            state
                .store
                .handle_consent_request(&sig, challenge, &verifier.signature, Err(&reject), now)
                .await?
        }
    };
    if !done {
        return Err(FlowError::Conflict);
    }
    redirect_to(&r.request_url, "consent_verifier", &verifier)
}

/// One page of the subject's granted consents with their clients, and how many there
/// are in all (a client deleted since is left out, as its consents went with it).
pub async fn consent_sessions(
    state: &AppState,
    subject: &str,
    limit: i64,
    offset: i64,
    now: i64,
) -> Result<(Vec<(ConsentRequest, Client)>, i64), FlowError> {
    let total = state.store.count_consent_sessions(subject, now).await?;
    let found = state
        .store
        .list_consent_sessions(subject, now, limit, offset)
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for c in found {
        match client_of(state, &c.client_id).await {
            Ok(client) => out.push((c, client)),
            Err(FlowError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok((out, total))
}

/// Revokes the subject's consent to one client (or to all) and everything issued under
/// it.
pub async fn revoke_consent(
    state: &AppState,
    subject: &str,
    client_id: Option<&str>,
) -> Result<(), FlowError> {
    let ids = state.store.consent_request_ids(subject, client_id).await?;
    state.store.revoke_tokens_by_request_ids(&ids).await?;
    state.store.delete_consent_requests(&ids).await?;
    Ok(())
}

/// Ends every login session of the subject (their cookies stop working).
pub async fn revoke_login_sessions(state: &AppState, subject: &str) -> Result<(), FlowError> {
    state.store.delete_login_sessions_of(subject).await?;
    Ok(())
}
