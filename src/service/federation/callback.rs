//! The provider sends the browser back. In order: the state (single use, this browser,
//! this provider), RFC 9207 `iss`, an error from the provider, the code exchange (PKCE
//! verifier, configured client authentication, bounded time and size), the ID token
//! (OpenID Connect Core §3.1.3.7, JWKS refetched once for an unknown kid), userinfo
//! (same `sub`), the sign-in policy, the local user, and the login request accepted.
//! Any failure stores nothing and never answers a 5xx.

use super::account::AccountError;
use super::Federation;
use crate::crypto::constant_time_eq;
use crate::model::flow::RejectError;
use crate::model::identity::StatePurpose;
use crate::outbound::json_object;
use crate::paths::public::ui;
use crate::protocol::authorize::response::merge_query;
use crate::protocol::federation::account::{check_policy, profile, Refusal};
use crate::protocol::federation::client_auth::AuthMethod;
use crate::protocol::federation::id_token::{validate, Expectations, IdTokenError};
use crate::protocol::federation::provider::ProviderDef;
use crate::protocol::federation::state::{browser_tag, state_signature, RedirectValues};
use crate::protocol::flow::cookies::RequestCookies;
use crate::protocol::flow::login::AcceptLogin;
use crate::service::flow::FlowError;
use serde_json::{json, Map, Value};

/// Clock skew tolerated on `exp`, `iat` and `nbf`.
const LEEWAY: i64 = 60;

/// The query of the redirect back.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CallbackParams {
    pub code: String,
    pub state: String,
    pub iss: Option<String>,
    pub error: String,
    pub error_description: String,
}

/// What the browser gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in: on to the flow.
    Accepted { redirect_to: String },
    /// Back to the login page with a notice (cancelled, or a policy refusal).
    Notice {
        location: String,
        code: &'static str,
    },
    /// The provider said `login_required` / `interaction_required`: the login request
    /// is rejected with it, and the client hears so.
    Rejected { redirect_to: String },
    /// Sign-in failed; the reason is logged, the page says only that.
    Failed(String),
    /// Unknown, expired, reused or foreign state, or an `iss` mismatch: an error page,
    /// no redirect (a possible mix-up or replay).
    BadState(&'static str),
}

impl Outcome {
    /// The `result` label of the sign-in metric.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Accepted { .. } => "ok",
            Outcome::Notice {
                code: "cancelled", ..
            } => "cancelled",
            Outcome::Notice { .. } => "refused",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Failed(_) => "failed",
            Outcome::BadState(_) => "bad_state",
        }
    }
}

impl Federation {
    /// Handles the redirect back from provider `id`.
    #[tracing::instrument(skip_all, fields(provider = %id))]
    pub async fn callback(
        &self,
        id: &str,
        q: &CallbackParams,
        jar: &RequestCookies,
        now: i64,
    ) -> Outcome {
        match self.run_callback(id, q, jar, now).await {
            Ok(o) => o,
            Err(Failure(reason)) => {
                tracing::warn!(%reason, "upstream sign-in failed");
                Outcome::Failed(reason)
            }
        }
    }

    async fn run_callback(
        &self,
        id: &str,
        q: &CallbackParams,
        jar: &RequestCookies,
        now: i64,
    ) -> Result<Outcome, Failure> {
        // 1. The state: ours, unused, for this provider, from this browser.
        if q.state.is_empty() || q.state.len() > 512 {
            return Ok(bad_state("the state is missing"));
        }
        let sig = state_signature(&self.keys, &q.state);
        let Some(row) = self
            .store
            .upstream_state_take(&sig, StatePurpose::Login, now)
            .await
            .map_err(|e| Failure(format!("reading the state: {e}")))?
        else {
            return Ok(bad_state("unknown, expired or reused state"));
        };
        if row.provider_id != id {
            return Ok(bad_state("the state belongs to another provider"));
        }
        let browser = self.browser_id(jar).map(|b| browser_tag(&self.keys, &b));
        if !browser.is_some_and(|b| constant_time_eq(b.as_bytes(), row.browser.as_bytes())) {
            return Ok(bad_state("the state belongs to another browser"));
        }
        let provider = self
            .registry
            .get(id)
            .await
            .map_err(|e| Failure(e.to_string()))?
            .ok_or_else(|| Failure("the provider no longer exists".into()))?;
        let def = &provider.def;
        let endpoints = self.registry.endpoints(def).await.map_err(Failure)?;

        // 2. RFC 9207: the answer names the issuer we sent the browser to.
        match q.iss.as_deref() {
            Some(iss) if iss != def.issuer => {
                return Ok(bad_state("iss does not name the provider"))
            }
            None if endpoints.iss_parameter => return Ok(bad_state("iss is missing")),
            _ => {}
        }
        let challenge = row.login_challenge.as_str();

        // 3. An error from the provider.
        if !q.error.is_empty() {
            return self.provider_error(def, challenge, q, now).await;
        }
        if q.code.is_empty() || q.code.len() > 4096 {
            return Err(Failure("no code in the answer".into()));
        }

        // 4. The code exchange and the ID token.
        let values = RedirectValues::of(&self.keys, &q.state);
        let tokens = self
            .exchange(def, &endpoints.token, &q.code, &values)
            .await?;
        let id_token = tokens
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure("the token answer has no id_token".into()))?
            .to_string();
        let access_token = tokens
            .get("access_token")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut claims = self
            .check_id_token(
                def,
                &endpoints.jwks,
                &id_token,
                &values.nonce,
                access_token.as_deref(),
                now,
            )
            .await?;

        // 5. Userinfo, when configured: the same subject, more claims.
        if def.userinfo {
            let (Some(uri), Some(at)) = (&endpoints.userinfo, &access_token) else {
                return Err(Failure("userinfo is configured but unavailable".into()));
            };
            let body = self
                .registry
                .http()
                .get(uri, Some(at), def.timeout)
                .await
                .map_err(|e| Failure(format!("userinfo: {e}")))?;
            let info = json_object(&body).map_err(|e| Failure(format!("userinfo: {e}")))?;
            if info.get("sub") != claims.get("sub") {
                return Err(Failure(
                    "the userinfo sub differs from the ID token's".into(),
                ));
            }
            for (k, v) in info {
                claims.insert(k, v);
            }
        }

        // 6. Who it is, whether they may sign in, and as which local user.
        let p = match profile(def, &claims).and_then(|p| check_policy(def, &p).map(|()| p)) {
            Ok(p) => p,
            Err(r) => return Ok(self.notice(challenge, r.code())),
        };
        let user = match self.local_user(def, &p, now).await {
            Ok(u) => u,
            Err(AccountError::Refused(r)) => return Ok(self.notice(challenge, refusal_code(r))),
            Err(e) => return Err(Failure(format!("local account: {e}"))),
        };

        // 7. The login request, accepted for the local user.
        let (login, _) = self
            .flow
            .get_login(challenge)
            .await
            .map_err(|e| Failure(format!("login request: {e}")))?;
        let accept = AcceptLogin {
            subject: user.id.to_string(),
            remember: row.remember,
            remember_for: self.remember_for,
            acr: claims
                .get("acr")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            amr: Some(string_list(claims.get("amr"))),
            context: Some(json!({
                "identity_provider": def.id,
                "upstream_issuer": def.issuer,
                "upstream_subject": p.subject,
            })),
            ..AcceptLogin::default()
        };
        let redirect_to = self
            .flow
            .handle_login(challenge, Ok(accept), now)
            .await
            .map_err(|e| Failure(format!("accepting the login: {e}")))?;
        if let Err(e) = self
            .logout
            .remember(&login.session_id, &def.id, &id_token, now)
            .await
        {
            // Signing in worked; only logout at the provider will be skipped.
            tracing::warn!(error = %e, "cannot remember the upstream session");
        }
        tracing::info!(user_id = %user.id, "signed in through an identity provider");
        Ok(Outcome::Accepted { redirect_to })
    }

    async fn provider_error(
        &self,
        def: &ProviderDef,
        challenge: &str,
        q: &CallbackParams,
        now: i64,
    ) -> Result<Outcome, Failure> {
        match q.error.as_str() {
            "access_denied" => Ok(self.notice(challenge, "cancelled")),
            "login_required" | "interaction_required" => {
                let reject = RejectError {
                    error: q.error.clone(),
                    error_description: format!(
                        "The identity provider {} answered {}.",
                        def.display_name, q.error
                    ),
                    ..RejectError::default()
                };
                match self.flow.handle_login(challenge, Err(reject), now).await {
                    Ok(redirect_to) => Ok(Outcome::Rejected { redirect_to }),
                    Err(e) => Err(Failure(format!("rejecting the login: {e}"))),
                }
            }
            other => Err(Failure(format!(
                "the provider answered error {:?}",
                other.chars().take(64).collect::<String>()
            ))),
        }
    }

    /// The code for tokens (RFC 6749 §4.1.3 with PKCE and the configured client
    /// authentication).
    async fn exchange(
        &self,
        def: &ProviderDef,
        token_endpoint: &str,
        code: &str,
        values: &RedirectValues,
    ) -> Result<Map<String, Value>, Failure> {
        let redirect_uri = self.callback_url(&def.id);
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
        ];
        if def.pkce {
            form.push(("code_verifier", values.verifier.as_str()));
        }
        let secret = def.client_secret.as_ref().map(|s| s.expose()).unwrap_or("");
        match def.auth_method {
            AuthMethod::ClientSecretBasic => {}
            AuthMethod::ClientSecretPost => {
                form.push(("client_id", def.client_id.as_str()));
                form.push(("client_secret", secret));
            }
            AuthMethod::None => form.push(("client_id", def.client_id.as_str())),
        }
        let header = def.authentication_header();
        let body = self
            .registry
            .http()
            .post_form(token_endpoint, &form, header.as_deref(), def.timeout)
            .await
            .map_err(|e| Failure(format!("token endpoint: {e}")))?;
        json_object(&body).map_err(|e| Failure(format!("token endpoint: {e}")))
    }

    async fn check_id_token(
        &self,
        def: &ProviderDef,
        jwks_uri: &str,
        token: &str,
        nonce: &str,
        access_token: Option<&str>,
        now: i64,
    ) -> Result<Map<String, Value>, Failure> {
        let secret = def.client_secret.as_ref().map(|s| s.expose().as_bytes());
        let expect = Expectations {
            issuer: &def.issuer,
            client_id: &def.client_id,
            nonce,
            allowed_algs: &def.id_token_algs,
            hmac_secret: secret,
            now,
            leeway: LEEWAY,
            max_age_of_iat: None,
            access_token,
        };
        let jwks = self
            .registry
            .jwks(def, jwks_uri, false)
            .await
            .map_err(|e| Failure(format!("JWKS: {e}")))?;
        match validate(token, &jwks, &expect) {
            Err(IdTokenError::UnknownKid(_)) | Err(IdTokenError::NoUsableKey) => {
                // The provider may have rotated its keys: fetch them again (at most once
                // a minute) and try once more.
                let jwks = self
                    .registry
                    .jwks(def, jwks_uri, true)
                    .await
                    .map_err(|e| Failure(format!("JWKS: {e}")))?;
                validate(token, &jwks, &expect).map_err(|e| Failure(format!("ID token: {e}")))
            }
            other => other.map_err(|e| Failure(format!("ID token: {e}"))),
        }
    }

    /// Back to the login page with a notice code (the login request stays open).
    fn notice(&self, challenge: &str, code: &'static str) -> Outcome {
        let base = &self.flow.cfg.login_url;
        let params = [
            ("login_challenge".to_string(), challenge.to_string()),
            ("upstream_notice".to_string(), code.to_string()),
        ];
        let location = match url::Url::parse(base) {
            Ok(u) => merge_query(&u, &params).to_string(),
            Err(_) => self.urls.public_url(ui::LOGIN),
        };
        tracing::info!(
            notice = code,
            "upstream sign-in sent back to the login page"
        );
        Outcome::Notice { location, code }
    }
}

fn refusal_code(r: Refusal) -> &'static str {
    r.code()
}

fn bad_state(why: &'static str) -> Outcome {
    tracing::warn!(
        why,
        "upstream callback refused: possible mix-up, replay or forgery"
    );
    Outcome::BadState(why)
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A reason to log; the person sees "Sign-in failed".
struct Failure(String);

impl From<FlowError> for Failure {
    fn from(e: FlowError) -> Self {
        Failure(e.to_string())
    }
}
