//! `/api/v1/login`: checks the password with [`Users::authenticate`] (the login page's
//! check: one generic failure, the same throttle) and issues an ID, access and (with an
//! offline scope) refresh token to the first-party client, with the user's claims in
//! the grant.
//!
//! [`Users::authenticate`]: crate::service::users::Users::authenticate

use super::answer::TokenAnswer;
use super::error::FirstPartyError;
use super::FirstParty;
use crate::protocol::claims;
use crate::protocol::flow::subject::obfuscated_subject;
use crate::protocol::grant::{Grant, OidcSession};
use crate::protocol::lifespan::GrantKind;
use crate::secret::Secret;
use crate::service::oauth2::issue::IssueOptions;
use crate::service::oauth2::token::{allows_grant, TokenResponse};
use crate::service::users::LoginError;
use std::net::IpAddr;

impl FirstParty {
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        email: &str,
        password: &Secret,
        client_addr: IpAddr,
        now: i64,
    ) -> Result<TokenAnswer, FirstPartyError> {
        let fp = self.resolve().await?;
        fp.check_for_tokens()?;
        let user = self
            .users
            .authenticate(email.trim(), password, client_addr, now)
            .await
            .map_err(|e| match e {
                LoginError::InvalidCredentials => FirstPartyError::InvalidCredentials,
                LoginError::Throttled { retry_after_secs } => {
                    FirstPartyError::Throttled(retry_after_secs)
                }
                LoginError::Unavailable => FirstPartyError::Unavailable,
                LoginError::Internal(e) => FirstPartyError::Internal(e),
            })?;
        let subject = user.id.to_string();
        let salt = self.cfg.pairwise_salt.as_deref();
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
                id_token: claims::for_scopes(&user, &fp.scopes),
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
        let issued = self
            .oauth2
            .issue_tokens((&fp.client, GrantKind::FirstParty), &grant, &opts, now)
            .await?;
        TokenAnswer::from_tokens(TokenResponse::from_issued(issued))
            .map_err(FirstPartyError::internal)
    }
}
