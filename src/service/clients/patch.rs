//! Hydra v2's `PATCH /admin/clients/{id}`: an RFC 6902 JSON Patch applied to the client
//! as the v2 API shows it, then stored through the same validation as a PUT.

use super::{ClientError, Clients};
use crate::model::Client;
use crate::protocol::json_patch;
use serde_json::Value;

impl Clients {
    /// Patches client `id`. The document patched has no `client_secret` (it is never
    /// shown), so a patch that adds one sets a new secret, hashed as on PUT; any other
    /// patch keeps the stored hash.
    #[tracing::instrument(skip_all)]
    pub async fn patch(&self, id: &str, patch: &Value, now: i64) -> Result<Client, ClientError> {
        let existing = self.get(id).await?;
        let mut doc = serde_json::to_value(&existing)
            .map_err(|e| ClientError::Patch(format!("the client cannot be patched: {e}")))?;
        if let Value::Object(m) = &mut doc {
            m.extend(existing.v2_view());
        }
        let patched = json_patch::apply(&doc, patch).map_err(|e| ClientError::Patch(e.0))?;
        let body: Client = serde_path_to_error::deserialize(patched).map_err(|e| {
            ClientError::Patch(format!(
                "the patched client is invalid at `{}`: {}",
                e.path(),
                e.inner()
            ))
        })?;
        if body.client_id != id {
            return Err(ClientError::Patch("client_id cannot be changed".into()));
        }
        let v2 = body.v2_fields();
        self.update(id, body, Some(v2), now).await
    }
}
