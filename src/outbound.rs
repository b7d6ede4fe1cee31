//! Requests to other servers (upstream providers; clients' `jwks_uri`): no redirects
//! followed, a time limit per request, and answers read only up to a size cap, so a
//! slow, redirecting or flooding server costs a bounded amount and never a 500.

use std::time::Duration;

/// The most any one answer may hold: discovery documents and JWKS are a few KiB, token
/// and userinfo answers less.
pub const MAX_ANSWER: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("the server did not answer in time")]
    Timeout,
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
    #[error("the server answered with status {0}")]
    Status(u16),
    #[error("the answer is larger than allowed")]
    TooLarge,
    #[error("the answer is not a JSON object: {0}")]
    BadJson(String),
}

/// An HTTP client for provider requests (one connection pool for every provider).
#[derive(Clone)]
pub struct Outbound {
    http: reqwest::Client,
}

impl Default for Outbound {
    fn default() -> Self {
        Outbound::new()
    }
}

impl Outbound {
    pub fn new() -> Outbound {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("portcullis/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Outbound { http }
    }

    /// GET `url`; the body of a 2xx answer.
    pub async fn get(
        &self,
        url: &str,
        bearer: Option<&str>,
        timeout: Duration,
    ) -> Result<Vec<u8>, OutboundError> {
        let mut req = self
            .http
            .get(url)
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        read(send(req, "GET", url).await, MAX_ANSWER).await
    }

    /// GET `url` as JSON, reading at most `max` bytes of the answer.
    pub async fn get_limited(
        &self,
        url: &str,
        timeout: Duration,
        max: usize,
    ) -> Result<Vec<u8>, OutboundError> {
        let req = self
            .http
            .get(url)
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json");
        read(send(req, "GET", url).await, max).await
    }

    /// POST a form to `url` with an optional `Authorization` header; the body of a 2xx
    /// answer.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        authorization: Option<&str>,
        timeout: Duration,
    ) -> Result<Vec<u8>, OutboundError> {
        let mut req = self
            .http
            .post(url)
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form);
        if let Some(a) = authorization {
            req = req.header(reqwest::header::AUTHORIZATION, a);
        }
        read(send(req, "POST", url).await, MAX_ANSWER).await
    }
}

/// Sends in a client span that names the host only, carrying the trace's
/// `traceparent` when traces are exported.
async fn send(
    req: reqwest::RequestBuilder,
    method: &'static str,
    url: &str,
) -> Result<reqwest::Response, reqwest::Error> {
    use tracing::Instrument;
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let span = tracing::debug_span!(
        "outbound",
        otel.name = method,
        otel.kind = "client",
        server.address = %host,
    );
    let mut headers = reqwest::header::HeaderMap::new();
    span.in_scope(|| crate::telemetry::inject_headers(&mut headers));
    req.headers(headers).send().instrument(span).await
}

fn send_error(e: reqwest::Error) -> OutboundError {
    if e.is_timeout() {
        OutboundError::Timeout
    } else {
        // Without the URL: it may carry a query the provider's operator set.
        OutboundError::Unreachable(e.without_url().to_string())
    }
}

async fn read(
    sent: Result<reqwest::Response, reqwest::Error>,
    max: usize,
) -> Result<Vec<u8>, OutboundError> {
    let mut resp = sent.map_err(send_error)?;
    let status = resp.status();
    if !status.is_success() {
        return Err(OutboundError::Status(status.as_u16()));
    }
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(OutboundError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(send_error)? {
        if body.len() + chunk.len() > max {
            return Err(OutboundError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `body` as a JSON object.
pub fn json_object(
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, OutboundError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(OutboundError::BadJson("not an object".into())),
        Err(e) => Err(OutboundError::BadJson(e.to_string())),
    }
}
