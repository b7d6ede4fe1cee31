//! `/api/v1/refresh`: the token endpoint's refresh grant for the first-party client
//! ([`OAuth2::refresh_for`]: the same rotation and reuse detection), except that an
//! account disabled or deleted since login loses its tokens instead.
//!
//! [`OAuth2::refresh_for`]: crate::service::oauth2::OAuth2::refresh_for

use super::answer::TokenAnswer;
use super::error::FirstPartyError;
use super::FirstParty;
use crate::protocol::error::OAuthError;

impl FirstParty {
    #[tracing::instrument(skip_all)]
    pub async fn refresh(
        &self,
        refresh_token: &str,
        now: i64,
    ) -> Result<TokenAnswer, FirstPartyError> {
        let refresh_token = refresh_token.trim();
        if refresh_token.is_empty() {
            return Err(FirstPartyError::BadRequest(
                "The request body field `refresh_token` is missing".into(),
            ));
        }
        let fp = self.resolve().await?;
        fp.check_for_tokens()?;
        if let Some((_, row)) = self.oauth2.find(refresh_token).await? {
            if row.client_id == fp.client.client_id && !self.account_active(&row.subject).await? {
                self.store.revoke_grant(&row.request_id).await?;
                return Err(OAuthError::invalid_grant(
                    "The account of this refresh token is disabled or no longer exists.",
                )
                .into());
            }
        }
        let answer = self
            .oauth2
            .refresh_for(&fp.client, refresh_token, now)
            .await?;
        TokenAnswer::from_tokens(answer).map_err(FirstPartyError::internal)
    }

    async fn account_active(&self, subject: &str) -> Result<bool, FirstPartyError> {
        self.users
            .active(subject)
            .await
            .map(|u| u.is_some())
            .map_err(FirstPartyError::internal)
    }
}
