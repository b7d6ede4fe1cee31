//! The admin side of logout: read, accept or reject a logout request.

use super::config::FlowConfig;
use super::errors::FlowError;
use super::model::LogoutRequest;
use crate::app::AppState;
use crate::token::{signature_of, Kind, Minted};

async fn find(state: &AppState, challenge: &str) -> Result<(String, LogoutRequest), FlowError> {
    let sig =
        signature_of(Kind::LogoutChallenge, challenge, &state.keys).ok_or(FlowError::NotFound)?;
    let r = state
        .store
        .get_logout_request(&sig)
        .await?
        .ok_or(FlowError::NotFound)?;
    if r.accepted || r.rejected {
        return Err(FlowError::Conflict);
    }
    Ok((sig, r))
}

#[tracing::instrument(skip_all)]
pub async fn get_logout(state: &AppState, challenge: &str) -> Result<LogoutRequest, FlowError> {
    Ok(find(state, challenge).await?.1)
}

/// Accepts the logout; returns where the logout app sends the browser.
#[tracing::instrument(skip_all)]
pub async fn accept_logout(state: &AppState, challenge: &str) -> Result<String, FlowError> {
    let (sig, _) = find(state, challenge).await?;
    let verifier = Minted::new(Kind::LogoutVerifier, &state.keys);
    if !state
        .store
        .handle_logout_request(&sig, challenge, Some(&verifier.signature))
        .await?
    {
        return Err(FlowError::Conflict);
    }
    let cfg = FlowConfig::new(state);
    let base = format!("{}/oauth2/sessions/logout", cfg.public_base);
    Ok(super::authorize::with_param(
        &base,
        "logout_verifier",
        verifier.value.expose(),
    ))
}

/// Rejects the logout: the session stays; the logout app sends the user back.
#[tracing::instrument(skip_all)]
pub async fn reject_logout(state: &AppState, challenge: &str) -> Result<(), FlowError> {
    let (sig, _) = find(state, challenge).await?;
    if !state
        .store
        .handle_logout_request(&sig, challenge, None)
        .await?
    {
        return Err(FlowError::Conflict);
    }
    Ok(())
}
