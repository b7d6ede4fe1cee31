//! Validating an authorization request against its client (RFC 6749 §4.1.1, §4.2.1,
//! OpenID Connect Core §3.1.2.1), in fosite's order so the same request fails with the
//! same error as on Hydra.
//!
//! Until the redirect URI is verified, an error must not go to it: those errors are
//! [`Rejection::ErrorPage`]. Every later one goes back to the client.

use super::checks::{check_grants, check_nonce, check_response_types, parse_max_age, parse_prompt};
use super::params::{split_spaces, Params};
use super::redirect_uri::{is_secure, match_redirect_uri};
use super::response::ResponseMode;
use super::target::{RedirectTarget, Rejection};
use crate::model::Client;
use crate::protocol::error::OAuthError;
use crate::protocol::pkce::{self, PkcePolicy};
use crate::protocol::scope::{first_disallowed_audience, scope_allowed};

/// The OpenID Connect parameters passed through to the login app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OidcParams {
    pub login_hint: String,
    pub acr_values: Vec<String>,
    pub ui_locales: Vec<String>,
    pub display: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizeRequest {
    pub client: Client,
    pub target: RedirectTarget,
    /// `redirect_uri` exactly as sent (`""` when omitted); the token endpoint compares it.
    pub redirect_uri_sent: String,
    /// Sorted, deduplicated.
    pub response_types: Vec<String>,
    pub scope: Vec<String>,
    pub audience: Vec<String>,
    pub nonce: String,
    pub code_challenge: String,
    /// `S256`, `plain`, or `""` without PKCE.
    pub code_challenge_method: String,
    pub prompt: Vec<String>,
    /// 0 when not given (Hydra 1.9 also treats `max_age=0` as not given).
    pub max_age: i64,
    pub id_token_hint: String,
    pub oidc: OidcParams,
}

impl AuthorizeRequest {
    pub fn has_prompt(&self, p: &str) -> bool {
        self.prompt.iter().any(|x| x == p)
    }
    pub fn wants(&self, response_type: &str) -> bool {
        self.response_types.iter().any(|x| x == response_type)
    }
    /// Whether this is the plain code flow (no tokens from the authorization endpoint).
    pub fn is_code_only(&self) -> bool {
        self.response_types == ["code"]
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub scope_strategy: &'a str,
    pub pkce: PkcePolicy,
}

/// The `client_id`, or an error for the error page.
pub fn client_id(params: &Params) -> Result<&str, OAuthError> {
    match params.get("client_id") {
        "" => Err(OAuthError::invalid_request(
            "The 'client_id' parameter is missing.",
        )),
        id => Ok(id),
    }
}

/// Validates `params` for `client`: the code flow, the implicit flow (`token`,
/// `id_token`, `id_token token`) and the hybrid flow (`code` with either or both).
pub fn validate(
    params: &Params,
    client: &Client,
    policy: Policy<'_>,
) -> Result<AuthorizeRequest, Rejection> {
    let state = params.get("state").to_string();
    let explicit_mode = match params.get("response_mode") {
        "" => None,
        m => Some(ResponseMode::parse(m).ok_or_else(|| {
            Rejection::ErrorPage(OAuthError::unsupported_response_mode(format!(
                "Request with unsupported response_mode '{m}'."
            )))
        })?),
    };
    let scope = split_spaces(params.get("scope"));
    let openid = scope.iter().any(|s| s == "openid");
    let redirect_uri_sent = params.get("redirect_uri").to_string();
    let uri = match_redirect_uri(&redirect_uri_sent, &client.redirect_uris, openid)
        .map_err(Rejection::ErrorPage)?;

    let mut response_types = split_spaces(params.get("response_type"));
    response_types.sort();
    response_types.dedup();
    let default_mode = if response_types == ["code"] {
        ResponseMode::Query
    } else {
        ResponseMode::Fragment
    };
    let target = RedirectTarget {
        uri,
        mode: explicit_mode.unwrap_or(default_mode),
        state: state.clone(),
    };
    let fail = |e: OAuthError| Rejection::Client(e, Box::new(target.clone()));

    if params.has("request") {
        return Err(fail(OAuthError::request_not_supported(
            "Request objects are not supported.",
        )));
    }
    if params.has("request_uri") {
        return Err(fail(OAuthError::request_uri_not_supported(
            "Request objects are not supported.",
        )));
    }
    if params.has("registration") {
        return Err(fail(OAuthError::registration_not_supported("")));
    }
    for s in &scope {
        if !scope_allowed(policy.scope_strategy, client.scopes(), s) {
            return Err(fail(OAuthError::invalid_scope(format!(
                "The OAuth 2.0 Client is not allowed to request scope '{s}'."
            ))));
        }
    }
    let audience = audiences(params);
    if let Some(a) = first_disallowed_audience(&client.audience, &audience) {
        return Err(fail(OAuthError::invalid_request(format!(
            "Requested audience '{a}' has not been whitelisted by the OAuth 2.0 Client."
        ))));
    }
    check_response_types(&response_types, client, explicit_mode, &target)?;
    if state.chars().count() < 8 {
        return Err(fail(OAuthError::invalid_state(
            "Request parameter 'state' must be at least be 8 characters long to ensure sufficient entropy.",
        )));
    }
    check_grants(&response_types, client).map_err(fail)?;
    if !is_secure(&target.uri) {
        return Err(fail(OAuthError::invalid_request(
            "Redirect URL is using an insecure protocol, http is only allowed for hosts with suffix 'localhost', for example: http://myapp.localhost/.",
        )));
    }
    let nonce = params.get("nonce").to_string();
    let id_token = response_types.iter().any(|t| t == "id_token");
    check_nonce(&nonce, id_token).map_err(fail)?;
    // An ID token is an OpenID Connect response (Core §3.2.2.1, §3.3.2.1). fosite finds
    // this only after consent (and then drops the ID token of a hybrid response
    // silently); refusing before login tells the client what is wrong.
    if id_token && !openid {
        return Err(fail(OAuthError::invalid_request(
            "The 'openid' scope is required when response_type contains 'id_token'.",
        )));
    }
    let prompt = parse_prompt(params.get("prompt")).map_err(fail)?;
    let max_age = parse_max_age(params.get("max_age")).map_err(fail)?;
    let (code_challenge, code_challenge_method) = if response_types.iter().any(|t| t == "code") {
        let c = params.get("code_challenge");
        let m = pkce::check(
            c,
            params.get("code_challenge_method"),
            client.is_public(),
            policy.pkce,
        )
        .map_err(fail)?;
        (c.to_string(), m.to_string())
    } else {
        (String::new(), String::new())
    };
    Ok(AuthorizeRequest {
        client: client.clone(),
        target,
        redirect_uri_sent,
        response_types,
        scope,
        audience,
        nonce,
        code_challenge,
        code_challenge_method,
        prompt,
        max_age,
        id_token_hint: params.get("id_token_hint").to_string(),
        oidc: OidcParams {
            login_hint: params.get("login_hint").to_string(),
            acr_values: split_spaces(params.get("acr_values")),
            ui_locales: split_spaces(params.get("ui_locales")),
            display: params.get("display").to_string(),
        },
    })
}

/// fosite's `GetAudiences`: several `audience` parameters, or one space-separated.
fn audiences(params: &Params) -> Vec<String> {
    let all: Vec<&str> = params.all("audience").collect();
    match all.as_slice() {
        [one] => split_spaces(one),
        many => many
            .iter()
            .filter(|a| !a.is_empty())
            .map(|a| a.to_string())
            .collect(),
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
