//! The `/oauth2/auth` state machine (Hydra's `HandleOAuth2AuthorizationRequest`):
//! no verifier → create a login request; `login_verifier` → check the login, create a
//! consent request; `consent_verifier` → check the consent, answer with the code and/or
//! tokens the response type asks for (`authorize_response`). The request
//! is validated again on every return, exactly as on the first visit.

use super::Flow;
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::model::flow::{LoginRequest, LoginSession, OidcContext};
use crate::protocol::authorize::request::{client_id, validate};
use crate::protocol::authorize::response::merge_query;
use crate::protocol::authorize::{AuthorizeRequest, Params, Rejection};
use crate::protocol::error::OAuthError;
use crate::protocol::flow::cookies::{
    session_id_from, session_payload, RequestCookies, AUTH_SESSION, LOGIN_CSRF,
};
use crate::protocol::flow::login::{check_login_return, start_login, LoginPrompt};
use crate::protocol::flow::{BrowserReply, FlowConfig, ReplyKind};

impl Flow {
    /// Handles one visit to `/oauth2/auth`.
    #[tracing::instrument(skip_all)]
    pub async fn authorize(&self, params: &Params, jar: &RequestCookies, now: i64) -> BrowserReply {
        let cfg = &*self.cfg;
        let id = match client_id(params) {
            Ok(id) => id,
            Err(e) => return BrowserReply::error_page(cfg, &e, Vec::new()),
        };
        let client = match self.store.get_client(id).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                let e =
                    OAuthError::invalid_client("The requested OAuth 2.0 Client does not exist.");
                return BrowserReply::error_page(cfg, &e, Vec::new());
            }
            Err(e) => return BrowserReply::error_page(cfg, &OAuthError::from(e), Vec::new()),
        };
        let req = match validate(params, &client, cfg.policy()) {
            Ok(r) => r,
            Err(Rejection::ErrorPage(e)) => return BrowserReply::error_page(cfg, &e, Vec::new()),
            Err(Rejection::Client(e, target)) => {
                return BrowserReply::error_to_client(cfg, &target, &e, Vec::new())
            }
        };
        let mut visit = Visit {
            flow: self,
            cfg,
            req: &req,
            params,
            jar,
            now,
            cookies: Vec::new(),
            return_url: cfg.authorize_url(&params.original_query()),
            bound: false,
            rejected: false,
        };
        match visit.run().await {
            Ok(kind) => BrowserReply {
                kind,
                cookies: visit.cookies,
            },
            Err(e) => BrowserReply::error_to_client(cfg, &req.target, &e, visit.cookies),
        }
    }
}

/// One visit to `/oauth2/auth`: the request, the browser's cookies and what is set on
/// the way.
pub(super) struct Visit<'a> {
    pub flow: &'a Flow,
    pub cfg: &'a FlowConfig,
    pub req: &'a AuthorizeRequest,
    pub params: &'a Params,
    pub jar: &'a RequestCookies,
    pub now: i64,
    /// `Set-Cookie` values collected on the way; sent with errors too.
    pub cookies: Vec<String>,
    /// Where the login and consent apps send the browser back (the requests'
    /// `request_url`): this `/oauth2/auth` request, or a device verification.
    pub return_url: String,
    /// The login or consent request of a returning verifier must have been made for
    /// `return_url` (the device flow, whose `req` is rebuilt from its device code).
    pub bound: bool,
    /// Set when a returning login or consent request was rejected by the user or app.
    pub rejected: bool,
}

impl Visit<'_> {
    async fn run(&mut self) -> Result<ReplyKind, OAuthError> {
        let consent_verifier = self.params.get("consent_verifier");
        let login_verifier = self.params.get("login_verifier");
        if !consent_verifier.is_empty() {
            let consent = self.verify_consent(consent_verifier).await?;
            return self.respond(&consent).await;
        }
        if !login_verifier.is_empty() {
            let login = self.verify_login(login_verifier).await?;
            return self.request_consent(&login).await;
        }
        self.request_login().await
    }

    pub(super) fn prompt(&self) -> LoginPrompt {
        LoginPrompt {
            none: self.req.has_prompt("none"),
            login: self.req.has_prompt("login"),
            max_age: self.req.max_age,
        }
    }

    /// No verifier: decide skip, store a login request, send the browser to the login app.
    pub(super) async fn request_login(&mut self) -> Result<ReplyKind, OAuthError> {
        let session = self.remembered_session().await?;
        let hint = self.hint_claims().await?;
        let hint_matches = match (&hint, &session) {
            (Some(h), Some(s)) => Some(self.hint_names(h, &s.subject).await?),
            _ => None,
        };
        let start = start_login(self.prompt(), session.as_ref(), hint_matches, self.now)?;
        let challenge = Minted::new(Kind::LoginChallenge, &self.flow.keys);
        let csrf = crate::crypto::random_token(32);
        let r = &self.req;
        let request = LoginRequest {
            challenge: challenge.signature.clone(),
            challenge_value: String::new(),
            csrf: csrf.clone(),
            client_id: r.client.client_id.clone(),
            subject: start.subject,
            skip: start.skip,
            requested_scope: r.scope.clone(),
            requested_audience: r.audience.clone(),
            request_url: self.return_url.clone(),
            session_id: start
                .session_id
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            authenticated_at: start.authenticated_at,
            requested_at: self.now,
            oidc_context: OidcContext {
                acr_values: r.oidc.acr_values.clone(),
                ui_locales: r.oidc.ui_locales.clone(),
                display: r.oidc.display.clone(),
                id_token_hint_claims: hint,
                login_hint: r.oidc.login_hint.clone(),
            },
            handled_at: None,
            error: None,
            accepted: Default::default(),
            was_used: false,
        };
        self.flow
            .store
            .insert_login_request(&request)
            .await
            .map_err(OAuthError::from)?;
        self.cookies
            .extend(self.cfg.cookies.set(LOGIN_CSRF, &csrf, None));
        Ok(ReplyKind::Redirect(with_param(
            &self.cfg.login_url,
            "login_challenge",
            challenge.value.expose(),
        )))
    }

    /// `login_verifier`: consume it, check the login, and remember the session.
    pub(super) async fn verify_login(
        &mut self,
        verifier: &str,
    ) -> Result<LoginRequest, OAuthError> {
        let used = || {
            OAuthError::access_denied(
                "The login verifier has already been used, has not been granted, or is invalid.",
            )
        };
        let sig = signature_of(Kind::LoginVerifier, verifier, &self.flow.keys).ok_or_else(used)?;
        let login = self
            .flow
            .store
            .consume_login_verifier(&sig)
            .await
            .map_err(OAuthError::from)?
            .ok_or_else(used)?;
        if self.bound && login.request_url != self.return_url {
            return Err(used());
        }
        self.rejected = login.error.is_some();
        let csrf = self.cfg.cookies.read(self.jar, LOGIN_CSRF);
        let client_id = &self.req.client.client_id;
        check_login_return(
            &login,
            csrf.as_deref(),
            client_id,
            self.prompt(),
            self.cfg.request_ttl,
            self.now,
        )?;
        let a = &login.accepted;
        if let Some(hint) = self.hint_claims().await? {
            if !self.hint_names(&hint, &a.subject).await? {
                return Err(OAuthError::login_required(
                    "Request failed because subject claim from id_token_hint does not match subject from authentication session.",
                ));
            }
        }
        let store = &self.flow.store;
        if !a.force_subject_identifier.is_empty() {
            store
                .set_forced_subject(client_id, &a.subject, &a.force_subject_identifier)
                .await
                .map_err(OAuthError::from)?;
        }
        if !login.skip {
            let session = LoginSession {
                id: login.session_id.clone(),
                subject: a.subject.clone(),
                authenticated_at: a.authenticated_at,
                remember: a.remember,
            };
            store
                .upsert_login_session(&session)
                .await
                .map_err(OAuthError::from)?;
            if a.remember {
                self.remember_session(&login.session_id, a.remember_for);
            } else {
                // Not remembered: a previous session in this browser ends here.
                if let Some(old) = self.cfg.cookies.read(self.jar, AUTH_SESSION) {
                    if let Some(sid) = session_id_from(&old, self.now) {
                        store
                            .delete_login_session(sid)
                            .await
                            .map_err(OAuthError::from)?;
                    }
                    self.cookies.extend(self.cfg.cookies.clear(AUTH_SESSION));
                }
            }
        }
        if login.skip && a.extend_session_lifespan {
            // Hydra v2: the remembered session lives `remember_for` longer from now.
            self.remember_session(&login.session_id, a.remember_for);
        }
        Ok(login)
    }

    /// Sets the session cookie for `remember_for` seconds (0: for the browser session).
    fn remember_session(&mut self, session_id: &str, remember_for: i64) {
        let (max_age, expires_at) = if remember_for > 0 {
            (Some(remember_for), self.now.saturating_add(remember_for))
        } else {
            (None, 0)
        };
        let payload = session_payload(session_id, expires_at);
        self.cookies
            .extend(self.cfg.cookies.set(AUTH_SESSION, &payload, max_age));
    }
}

/// `url` with `name=value` set in its query.
pub(super) fn with_param(url: &str, name: &str, value: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => merge_query(&u, &[(name.to_string(), value.to_string())]).to_string(),
        Err(_) => format!(
            "{url}?{}",
            serde_urlencoded::to_string([(name, value)]).unwrap_or_default()
        ),
    }
}
