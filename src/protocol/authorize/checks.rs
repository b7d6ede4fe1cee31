//! The individual checks of an authorization request, in the order `validate` runs them.

use super::params::split_spaces;
use super::response::ResponseMode;
use super::target::{RedirectTarget, Rejection};
use crate::model::Client;
use crate::protocol::error::OAuthError;

const PROMPTS: [&str; 4] = ["none", "login", "consent", "select_account"];

pub(super) fn check_response_types(
    types: &[String],
    client: &Client,
    explicit_mode: Option<ResponseMode>,
    target: &RedirectTarget,
) -> Result<(), Rejection> {
    // This error always travels in the query: the client may not understand the
    // response type it asked for, so a fragment could go unread.
    let in_query = |e: OAuthError| {
        let mut t = target.clone();
        t.mode = explicit_mode.unwrap_or(ResponseMode::Query);
        Rejection::Client(e, Box::new(t))
    };
    if types.is_empty() {
        return Err(in_query(OAuthError::unsupported_response_type(
            "The request is missing the 'response_type' parameter.",
        )));
    }
    if let Some(t) = types
        .iter()
        .find(|t| !["code", "token", "id_token"].contains(&t.as_str()))
    {
        return Err(in_query(OAuthError::unsupported_response_type(format!(
            "The response_type '{t}' is not supported."
        ))));
    }
    let default = ["code".to_string()];
    let allowed: &[String] = if client.response_types.is_empty() {
        &default
    } else {
        &client.response_types
    };
    let matches = allowed.iter().any(|a| {
        let mut set = split_spaces(a);
        set.sort();
        set.dedup();
        set == types
    });
    if !matches {
        return Err(in_query(OAuthError::unsupported_response_type(format!(
            "The client is not allowed to request response_type '{}'.",
            types.join(" ")
        ))));
    }
    if types != ["code"] && explicit_mode == Some(ResponseMode::Query) {
        return Err(Rejection::Client(
            OAuthError::unsupported_response_mode(
                "Tokens must not be returned in the query: use response_mode fragment or form_post.",
            ),
            Box::new(RedirectTarget { mode: ResponseMode::Fragment, ..target.clone() }),
        ));
    }
    Ok(())
}

pub(super) fn check_grants(types: &[String], client: &Client) -> Result<(), OAuthError> {
    let has = |g: &str| {
        if client.grant_types.is_empty() {
            g == "authorization_code"
        } else {
            client.grant_types.iter().any(|x| x == g)
        }
    };
    if types.iter().any(|t| t == "code") && !has("authorization_code") {
        return Err(OAuthError::unauthorized_client(
            "The OAuth 2.0 Client is not allowed to use authorization grant 'authorization_code'.",
        ));
    }
    if types.iter().any(|t| t != "code") && !has("implicit") {
        return Err(OAuthError::unauthorized_client(
            "The OAuth 2.0 Client is not allowed to use the authorization grant 'implicit'.",
        ));
    }
    Ok(())
}

pub(super) fn check_nonce(nonce: &str, id_token_in_response: bool) -> Result<(), OAuthError> {
    if nonce.is_empty() {
        if id_token_in_response {
            return Err(OAuthError::invalid_request(
                "Parameter 'nonce' must be set when requesting an ID Token from the authorization endpoint.",
            ));
        }
        return Ok(());
    }
    if nonce.chars().count() < 8 {
        return Err(OAuthError::insufficient_entropy(
            "Parameter 'nonce' is set but does not satisfy the minimum entropy of 8 characters.",
        ));
    }
    Ok(())
}

pub(super) fn parse_prompt(raw: &str) -> Result<Vec<String>, OAuthError> {
    let prompt = split_spaces(raw);
    if let Some(p) = prompt.iter().find(|p| !PROMPTS.contains(&p.as_str())) {
        return Err(OAuthError::invalid_request(format!(
            "Used unknown value '{p}' for prompt parameter."
        )));
    }
    if prompt.len() > 1 && prompt.iter().any(|p| p == "none") {
        return Err(OAuthError::invalid_request(
            "Parameter 'prompt' was set to 'none', but contains other values as well which is not allowed.",
        ));
    }
    Ok(prompt)
}

pub(super) fn parse_max_age(raw: &str) -> Result<i64, OAuthError> {
    if raw.is_empty() {
        return Ok(0);
    }
    match raw.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(v),
        _ => Err(OAuthError::invalid_request(
            "Parameter 'max_age' must be a non-negative integer number of seconds.",
        )),
    }
}
