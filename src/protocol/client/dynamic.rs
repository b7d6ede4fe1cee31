//! What a self-registering client (RFC 7591/7592) may not set, as Hydra restricts it:
//! its own id or secret (both are issued), `metadata` (operator data), and the settings
//! that would let it skip the user (`skip_consent`, `skip_logout_consent`) or change how
//! its tokens are minted (`access_token_strategy`). Checked on the raw JSON, so a field
//! this server does not model is refused as well as one it does.

use serde_json::Value;

const RESTRICTED: [(&str, &str); 6] = [
    (
        "client_id",
        "It is not allowed to choose your own OAuth2 Client ID.",
    ),
    (
        "client_secret",
        "It is not allowed to choose your own OAuth2 Client secret.",
    ),
    (
        "metadata",
        "Field 'metadata' cannot be set for dynamic client registration.",
    ),
    (
        "access_token_strategy",
        "Field 'access_token_strategy' cannot be set for dynamic client registration.",
    ),
    (
        "skip_consent",
        "Field 'skip_consent' cannot be set for dynamic client registration.",
    ),
    (
        "skip_logout_consent",
        "Field 'skip_logout_consent' cannot be set for dynamic client registration.",
    ),
];

/// The first restricted field `body` sets, with the message to refuse it with. On an
/// update (`existing_id`), `client_id` may repeat the client's own id (RFC 7592 §2.2
/// has the client send it), and an empty or null value counts as unset.
pub fn restricted_field(body: &Value, existing_id: Option<&str>) -> Option<&'static str> {
    let obj = body.as_object()?;
    RESTRICTED.iter().find_map(|(field, msg)| {
        let v = obj.get(*field)?;
        let unset = match v {
            Value::Null => true,
            Value::String(s) => {
                s.is_empty() || (*field == "client_id" && Some(s.as_str()) == existing_id)
            }
            Value::Bool(b) => !b,
            _ => false,
        };
        (!unset).then_some(*msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_secrets_metadata_and_skips_are_refused() {
        assert!(
            restricted_field(&json!({"client_name": "a", "skip_consent": false}), None).is_none()
        );
        for bad in [
            json!({"client_id": "mine"}),
            json!({"client_secret": "s3cret"}),
            json!({"metadata": {}}),
            json!({"skip_consent": true}),
            json!({"access_token_strategy": "jwt"}),
        ] {
            assert!(restricted_field(&bad, None).is_some(), "{bad}");
        }
        assert!(restricted_field(&json!({"client_id": "c1"}), Some("c1")).is_none());
        assert!(restricted_field(&json!({"client_id": "c2"}), Some("c1")).is_some());
    }
}
