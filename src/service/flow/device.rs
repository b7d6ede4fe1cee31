//! The device verification (RFC 8628 §3.3 in Hydra v26's shape): `/oauth2/device/verify`
//! and the device challenge.
//!
//! 1. The user opens the verification URI (optionally with `user_code`): a device
//!    challenge is stored, the browser gets a CSRF cookie and goes to
//!    `urls.device.verification?device_challenge=…` (the built-in page, or a login app).
//! 2. That page has the user type the code and accepts the challenge with it
//!    ([`Flow::accept_device`] in `device_accept`, also
//!    `PUT /admin/oauth2/auth/requests/device/accept`):
//!    guesses are throttled per challenge and per address; the answer sends the browser
//!    back with a `device_verifier`.
//! 3. With the verifier (and the cookie) the normal login and consent run, with the same
//!    state machine as `/oauth2/auth` ([`Visit`]); their `request_url` is this endpoint
//!    with the device code's id, and a returning verifier must belong to it.
//! 4. An accepted consent approves the device code with the granted grant and sends the
//!    browser to `urls.device.success`; a rejected login or consent denies it.

use super::authorize::{with_param, Visit};
use super::authorize_response::grant_of;
use super::Flow;
use crate::crypto::constant_time_eq;
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::model::device::DeviceCode;
use crate::protocol::authorize::{AuthorizeRequest, Params, RedirectTarget, ResponseMode};
use crate::protocol::device::DeviceStatus;
use crate::protocol::error::OAuthError;
use crate::protocol::flow::cookies::{RequestCookies, DEVICE_CSRF};
use crate::protocol::flow::{BrowserReply, ReplyKind};

/// Which step a visit to the verification endpoint is.
enum Step<'a> {
    Login,
    Consent { login_verifier: &'a str },
    Finish { consent_verifier: &'a str },
}

impl Flow {
    /// Handles one visit to `/oauth2/device/verify`.
    #[tracing::instrument(skip_all)]
    pub async fn device_verify(
        &self,
        params: &Params,
        jar: &RequestCookies,
        now: i64,
    ) -> BrowserReply {
        let mut cookies = Vec::new();
        match self.device_step(params, jar, now, &mut cookies).await {
            Ok(kind) => BrowserReply { kind, cookies },
            Err(e) => BrowserReply::error_page(&self.cfg, &e, cookies),
        }
    }

    async fn device_step(
        &self,
        params: &Params,
        jar: &RequestCookies,
        now: i64,
        cookies: &mut Vec<String>,
    ) -> Result<ReplyKind, OAuthError> {
        let cfg = &*self.cfg;
        let device_verifier = params.get("device_verifier");
        if !device_verifier.is_empty() {
            let used = || {
                OAuthError::access_denied(
                    "The device verifier has already been used, has not been granted, or is invalid.",
                )
            };
            let sig =
                signature_of(Kind::DeviceVerifier, device_verifier, &self.keys).ok_or_else(used)?;
            let v = self
                .store
                .consume_device_verifier(&sig)
                .await?
                .ok_or_else(used)?;
            let csrf = cfg.cookies.read(jar, DEVICE_CSRF).unwrap_or_default();
            if csrf.is_empty() || !constant_time_eq(csrf.as_bytes(), v.csrf.as_bytes()) {
                return Err(OAuthError::request_forbidden(
                    "The device verification was started in another browser (CSRF cookie missing or wrong).",
                ));
            }
            if v.requested_at + cfg.request_ttl <= now {
                return Err(OAuthError::request_forbidden(
                    "The device verification has expired.",
                ));
            }
            cookies.extend(cfg.cookies.clear(DEVICE_CSRF));
            return self
                .device_visit(&v.device_id, Step::Login, params, jar, now, cookies)
                .await;
        }
        let device_id = params.get("device_id");
        let login_verifier = params.get("login_verifier");
        let consent_verifier = params.get("consent_verifier");
        if !consent_verifier.is_empty() {
            let step = Step::Finish { consent_verifier };
            return self
                .device_visit(device_id, step, params, jar, now, cookies)
                .await;
        }
        if !login_verifier.is_empty() {
            let step = Step::Consent { login_verifier };
            return self
                .device_visit(device_id, step, params, jar, now, cookies)
                .await;
        }
        // A first visit: a device challenge for the verification page.
        let challenge = Minted::new(Kind::DeviceChallenge, &self.keys);
        let csrf = crate::crypto::random_token(32);
        self.store
            .insert_device_request(&challenge.signature, &csrf, now)
            .await?;
        cookies.extend(cfg.cookies.set(DEVICE_CSRF, &csrf, None));
        let mut to = with_param(
            &cfg.device_verification_url,
            "device_challenge",
            challenge.value.expose(),
        );
        let user_code = params.get("user_code");
        if !user_code.is_empty() {
            to = with_param(&to, "user_code", user_code);
        }
        Ok(ReplyKind::Redirect(to))
    }

    /// Login, consent or the end, for device code `id`.
    async fn device_visit(
        &self,
        id: &str,
        step: Step<'_>,
        params: &Params,
        jar: &RequestCookies,
        now: i64,
        cookies: &mut Vec<String>,
    ) -> Result<ReplyKind, OAuthError> {
        let cfg = &*self.cfg;
        let code = self.live_device_code(id, now).await?;
        let client = self
            .store
            .get_client(&code.client_id)
            .await?
            .ok_or_else(|| OAuthError::invalid_client("The OAuth 2.0 Client is gone."))?;
        let target = url::Url::parse(&cfg.device_success_url)
            .map_err(|e| OAuthError::server_error(format!("urls.device.success: {e}")))?;
        let req = AuthorizeRequest {
            client,
            target: RedirectTarget {
                uri: target,
                mode: ResponseMode::Query,
                state: String::new(),
            },
            redirect_uri_sent: String::new(),
            response_types: vec!["code".into()],
            scope: code.requested_scope.clone(),
            audience: code.requested_audience.clone(),
            nonce: String::new(),
            code_challenge: String::new(),
            code_challenge_method: String::new(),
            prompt: Vec::new(),
            max_age: 0,
            id_token_hint: String::new(),
            oidc: Default::default(),
        };
        let query = serde_urlencoded::to_string([("device_id", &code.id)]).unwrap_or_default();
        let mut visit = Visit {
            flow: self,
            cfg,
            req: &req,
            params,
            jar,
            now,
            cookies: std::mem::take(cookies),
            return_url: cfg.device_verify_url(&query),
            bound: true,
            rejected: false,
        };
        let outcome = match step {
            Step::Login => visit.request_login().await,
            Step::Consent { login_verifier } => match visit.verify_login(login_verifier).await {
                Ok(login) => visit.request_consent(&login).await,
                Err(e) => Err(e),
            },
            Step::Finish { consent_verifier } => {
                match visit.verify_consent(consent_verifier).await {
                    Ok(consent) => {
                        let obfuscated = visit.client_subject(&consent).await?;
                        let grant = grant_of(&consent, &req, obfuscated);
                        let row = grant.row(String::new(), now, code.expires_at);
                        if self.store.approve_device_code(&code.id, &row, now).await? {
                            let to = with_param(
                                &cfg.device_success_url,
                                "client_id",
                                &req.client.client_id,
                            );
                            Ok(ReplyKind::Redirect(to))
                        } else {
                            Err(OAuthError::expired_token(
                                "The device authorization has expired or was already answered.",
                            ))
                        }
                    }
                    Err(e) => Err(e),
                }
            }
        };
        *cookies = std::mem::take(&mut visit.cookies);
        if outcome.is_err() && visit.rejected {
            self.store.deny_device_code(&code.id).await?;
        }
        outcome
    }

    /// The pending, unexpired device code `id`.
    async fn live_device_code(&self, id: &str, now: i64) -> Result<DeviceCode, OAuthError> {
        let code =
            self.store.device_code_by_id(id).await?.ok_or_else(|| {
                OAuthError::invalid_request("The device authorization is unknown.")
            })?;
        if code.expires_at <= now {
            return Err(OAuthError::expired_token(
                "The device authorization has expired.",
            ));
        }
        if code.status != DeviceStatus::Pending.as_str() {
            return Err(OAuthError::invalid_request(
                "The device authorization was already answered.",
            ));
        }
        Ok(code)
    }
}
