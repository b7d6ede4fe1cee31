//! `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4–3.5).
//!
//! An approved code is taken with one conditional UPDATE in the transaction that writes
//! the tokens, so however many polls race, exactly one gets tokens. Any other poll is
//! recorded (which grows the interval when it came too soon) and answered
//! `authorization_pending`, `slow_down`, `access_denied`, `expired_token`, or
//! `invalid_grant` for a code already redeemed.

use super::{allows_grant, TokenResponse};
use crate::crypto::handle::{signature_of, Kind};
use crate::model::device::ApprovedGrant;
use crate::model::Client;
use crate::protocol::device::{poll_error, SLOW_DOWN_STEP};
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::grant::Grant;
use crate::protocol::lifespan::GrantKind;
use crate::service::oauth2::issue::{IssueOptions, Issued, Minter};
use crate::service::oauth2::OAuth2;
use crate::store::{Exchange, NewTokens};

impl OAuth2 {
    pub(super) async fn device_code(
        &self,
        client: &Client,
        params: &Params,
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        let Some(code) = params.get("device_code") else {
            return Err(OAuthError::invalid_request(
                "The 'device_code' parameter is missing.",
            ));
        };
        let Some(signature) = signature_of(Kind::DeviceCode, code, &self.keys) else {
            return Err(OAuthError::invalid_grant(
                "The device code is malformed or was not issued by this server.",
            ));
        };
        let minter = Minter::new(self, client, GrantKind::DeviceCode, true).await?;
        let refresh_allowed = allows_grant(client, "refresh_token");
        let outcome = self
            .store
            .redeem_device_code(&signature, |(row, expires_at)| {
                redeem(&minter, client, row, *expires_at, refresh_allowed, now)
            })
            .await?;
        match outcome {
            Exchange::Done(issued) => Ok(TokenResponse::from_issued(issued)),
            Exchange::Rejected(e) => Err(e),
            Exchange::AlreadyUsed { .. } => Err(OAuthError::invalid_grant(
                "The device code has already been used.",
            )),
            Exchange::NotFound => {
                match self
                    .store
                    .poll_device_code(&signature, &client.client_id, now, SLOW_DOWN_STEP)
                    .await?
                {
                    Some(p) => Err(poll_error(&p, &client.client_id, now)),
                    None => Err(OAuthError::invalid_grant("The device code is unknown.")),
                }
            }
        }
    }
}

fn redeem(
    minter: &Minter,
    client: &Client,
    row: &ApprovedGrant,
    expires_at: i64,
    refresh_allowed: bool,
    now: i64,
) -> Result<NewTokens<Issued>, OAuthError> {
    if row.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "The device code was issued to another OAuth 2.0 Client.",
        ));
    }
    if expires_at <= now {
        return Err(OAuthError::expired_token("The device code has expired."));
    }
    let grant = Grant::from_row(row).map_err(OAuthError::server_error)?;
    let opts = IssueOptions {
        access_token: true,
        refresh_token: grant.offline() && refresh_allowed,
        id_token: grant.openid(),
        code: None,
    };
    minter.mint_exchange(&grant, &opts, now)
}
