//! The admin side of login and consent: read a request, accept or reject it.
//! Each returns what the HTTP layer renders; a request that is unknown is
//! [`FlowError::NotFound`], one already handled [`FlowError::Handled`].

use super::{Flow, FlowError};
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::model::flow::{ConsentRequest, LoginRequest, RejectError};
use crate::model::Client;
use crate::protocol::authorize::response::merge_query;
use crate::protocol::flow::consent::{accept_consent, AcceptConsent};
use crate::protocol::flow::login::{accept_login, AcceptLogin};
use crate::protocol::flow::revocation::ConsentRevocation;

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

impl Flow {
    pub(super) async fn client_of(&self, id: &str) -> Result<Client, FlowError> {
        let mut c = self
            .store
            .get_client(id)
            .await?
            .ok_or(FlowError::NotFound)?;
        c.client_secret = None;
        Ok(c)
    }

    async fn find_login(&self, challenge: &str) -> Result<(String, LoginRequest), FlowError> {
        let sig =
            signature_of(Kind::LoginChallenge, challenge, &self.keys).ok_or(FlowError::NotFound)?;
        let r = self
            .store
            .get_login_request(&sig)
            .await?
            .ok_or(FlowError::NotFound)?;
        if r.handled_at.is_some() {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        Ok((sig, r))
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_login(&self, challenge: &str) -> Result<(LoginRequest, Client), FlowError> {
        let (_, r) = self.find_login(challenge).await?;
        let client = self.client_of(&r.client_id).await?;
        Ok((r, client))
    }

    /// Accepts (`Ok`) or rejects (`Err`) a login request; returns `redirect_to`.
    #[tracing::instrument(skip_all)]
    pub async fn handle_login(
        &self,
        challenge: &str,
        decision: Result<AcceptLogin, RejectError>,
        now: i64,
    ) -> Result<String, FlowError> {
        let (sig, r) = self.find_login(challenge).await?;
        let verifier = Minted::new(Kind::LoginVerifier, &self.keys);
        let done = match decision {
            Ok(body) => {
                let accepted = accept_login(&r, body, now)?;
                self.store
                    .handle_login_request(&sig, challenge, &verifier.signature, Ok(&accepted), now)
                    .await?
            }
            Err(reject) => {
                let reject = reject.with_defaults("login request denied");
                self.store
                    .handle_login_request(&sig, challenge, &verifier.signature, Err(&reject), now)
                    .await?
            }
        };
        if !done {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        redirect_to(&r.request_url, "login_verifier", &verifier)
    }

    async fn find_consent(&self, challenge: &str) -> Result<(String, ConsentRequest), FlowError> {
        let sig = signature_of(Kind::ConsentChallenge, challenge, &self.keys)
            .ok_or(FlowError::NotFound)?;
        let r = self
            .store
            .get_consent_request(&sig)
            .await?
            .ok_or(FlowError::NotFound)?;
        if r.handled_at.is_some() {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        Ok((sig, r))
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_consent(
        &self,
        challenge: &str,
    ) -> Result<(ConsentRequest, Client), FlowError> {
        let (_, r) = self.find_consent(challenge).await?;
        let client = self.client_of(&r.client_id).await?;
        Ok((r, client))
    }

    /// Accepts (`Ok`) or rejects (`Err`) a consent request; returns `redirect_to`.
    #[tracing::instrument(skip_all)]
    pub async fn handle_consent(
        &self,
        challenge: &str,
        decision: Result<AcceptConsent, RejectError>,
        now: i64,
    ) -> Result<String, FlowError> {
        let (sig, r) = self.find_consent(challenge).await?;
        let verifier = Minted::new(Kind::ConsentVerifier, &self.keys);
        let done = match decision {
            Ok(body) => {
                let accepted = accept_consent(body)?;
                self.store
                    .handle_consent_request(
                        &sig,
                        challenge,
                        &verifier.signature,
                        Ok(&accepted),
                        now,
                    )
                    .await?
            }
            Err(reject) => {
                let reject = reject.with_defaults("consent request denied");
                self.store
                    .handle_consent_request(&sig, challenge, &verifier.signature, Err(&reject), now)
                    .await?
            }
        };
        if !done {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        redirect_to(&r.request_url, "consent_verifier", &verifier)
    }

    /// One page of the subject's granted consents with their clients, and how many there
    /// are in all (a client deleted since is left out, as its consents went with it).
    /// `login_session_id`: only that login session's, unless empty.
    pub async fn consent_sessions(
        &self,
        subject: &str,
        login_session_id: &str,
        limit: i64,
        offset: i64,
        now: i64,
    ) -> Result<(Vec<(ConsentRequest, Client)>, i64), FlowError> {
        let total = self
            .store
            .count_consent_sessions(subject, login_session_id, now)
            .await?;
        let found = self
            .store
            .list_consent_sessions(subject, login_session_id, now, limit, offset)
            .await?;
        Ok((self.with_clients(found).await?, total))
    }

    /// Hydra v2's keyset listing of [`Self::consent_sessions`]: up to `limit` consents
    /// after `after`, and the position of the last one when there are more.
    pub async fn consent_sessions_after(
        &self,
        subject: &str,
        login_session_id: &str,
        after: Option<ConsentPosition>,
        limit: i64,
        now: i64,
    ) -> Result<(Vec<(ConsentRequest, Client)>, Option<ConsentPosition>), FlowError> {
        let after_key = after
            .as_ref()
            .map(|p| (p.requested_at, p.handled_at, p.challenge.as_str()));
        // One more than the page: whether there is a next page.
        let mut found = self
            .store
            .list_consent_sessions_after(subject, login_session_id, now, after_key, limit + 1)
            .await?;
        let more = found.len() as i64 > limit;
        found.truncate(limit.max(0) as usize);
        let next = match found.last() {
            Some(c) if more => Some(ConsentPosition {
                requested_at: c.requested_at,
                handled_at: c.handled_at.unwrap_or_default(),
                challenge: c.challenge.clone(),
            }),
            _ => None,
        };
        Ok((self.with_clients(found).await?, next))
    }

    /// Each consent with its client; those of clients deleted since are left out.
    async fn with_clients(
        &self,
        found: Vec<ConsentRequest>,
    ) -> Result<Vec<(ConsentRequest, Client)>, FlowError> {
        let mut out = Vec::with_capacity(found.len());
        for c in found {
            match self.client_of(&c.client_id).await {
                Ok(client) => out.push((c, client)),
                Err(FlowError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Revokes consent (one client's, every client's, or one consent request) and
    /// everything issued under it. An unknown consent request is no error, as in Hydra.
    pub async fn revoke_consent(&self, what: &ConsentRevocation) -> Result<(), FlowError> {
        let ids = match what {
            ConsentRevocation::Client { subject, client } => {
                self.store
                    .consent_request_ids(subject, Some(client))
                    .await?
            }
            ConsentRevocation::All { subject } => {
                self.store.consent_request_ids(subject, None).await?
            }
            ConsentRevocation::Request { id } => self
                .store
                .consent_request_id(id)
                .await?
                .into_iter()
                .collect(),
        };
        self.store.revoke_tokens_by_request_ids(&ids).await?;
        self.store.delete_consent_requests(&ids).await?;
        Ok(())
    }

    /// Ends every login session of the subject (their cookies stop working).
    pub async fn revoke_login_sessions(&self, subject: &str) -> Result<(), FlowError> {
        self.store.delete_login_sessions_of(subject).await?;
        Ok(())
    }
}

/// Where a consent session listing stopped: the sort key of the last consent listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentPosition {
    pub requested_at: i64,
    pub handled_at: i64,
    /// The stored challenge signature (unique, the tie-breaker).
    pub challenge: String,
}

impl ConsentPosition {
    /// `requested_at:handled_at:challenge`, the cursor of a page token.
    pub fn to_cursor(&self) -> String {
        format!(
            "{}:{}:{}",
            self.requested_at, self.handled_at, self.challenge
        )
    }

    pub fn from_cursor(s: &str) -> Option<ConsentPosition> {
        let mut parts = s.splitn(3, ':');
        Some(ConsentPosition {
            requested_at: parts.next()?.parse().ok()?,
            handled_at: parts.next()?.parse().ok()?,
            challenge: parts.next().filter(|c| !c.is_empty())?.to_string(),
        })
    }
}
