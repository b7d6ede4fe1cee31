//! The OTLP exporter's HTTP client: our reqwest, driven on the server's tokio runtime.
//!
//! The SDK's batch processor exports from its own thread and blocks on the future it
//! gets; reqwest needs tokio, so the request is spawned onto the runtime captured at
//! start and the thread waits for that task.

use async_trait::async_trait;
use bytes::Bytes;
use opentelemetry_http::{HttpClient, HttpError};
use std::time::Duration;
use tokio::runtime::Handle;

/// A collector answers with a short status document; more is not read.
const MAX_ANSWER: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub(super) struct ExportClient {
    client: reqwest::Client,
    runtime: Handle,
}

impl ExportClient {
    pub(super) fn new(runtime: Handle) -> Result<ExportClient, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(ExportClient { client, runtime })
    }
}

#[async_trait]
impl HttpClient for ExportClient {
    async fn send_bytes(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let client = self.client.clone();
        let task = self.runtime.spawn(async move {
            let request = reqwest::Request::try_from(request)?;
            let mut answer = client.execute(request).await?;
            let status = answer.status();
            let mut body = Vec::new();
            while let Some(chunk) = answer.chunk().await? {
                if body.len() + chunk.len() > MAX_ANSWER {
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            let mut out = http::Response::new(Bytes::from(body));
            *out.status_mut() = status;
            Ok::<_, HttpError>(out)
        });
        task.await?
    }
}
