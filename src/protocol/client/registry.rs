//! What creating or replacing a client means, independent of HTTP and storage: defaults,
//! validation, the id, the timestamps, and what happens to the secret.

use super::validate::{validate, InvalidMetadata, Policy};
use crate::clock::rfc3339;
use crate::crypto::random_token;
use crate::model::Client;
use crate::secret::Secret;

/// A generated client secret: 32 random bytes, URL-safe (43 characters).
pub fn generate_secret() -> Secret {
    Secret::new(random_token(32))
}

/// What to do with the stored secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretChange {
    /// Keep the stored hash (an update that gave no secret).
    Keep,
    /// Hash and store this secret, and return it once in the response.
    Set(Secret),
    /// The client is public (`token_endpoint_auth_method=none`): it has no secret.
    Clear,
}

#[derive(Debug, Clone)]
pub struct Prepared {
    /// Validated, with defaults filled and `client_secret` always `None`.
    pub client: Client,
    pub secret: SecretChange,
}

/// Takes the given secret out of `c`, validates, and decides the secret for a client that
/// needs one. A public client's secret is ignored, as Hydra does: it is neither stored
/// nor returned (a too-short one is still refused, as Hydra validates before).
fn prepare(
    mut c: Client,
    policy: &Policy,
    needs_new_secret: bool,
) -> Result<Prepared, InvalidMetadata> {
    c.client_secret = c.client_secret.filter(|s| !s.is_empty());
    validate(&mut c, policy)?;
    let given = c.client_secret.take().map(Secret::new);
    let secret = if c.is_public() {
        SecretChange::Clear
    } else {
        match given {
            Some(s) => SecretChange::Set(s),
            None if needs_new_secret => SecretChange::Set(generate_secret()),
            None => SecretChange::Keep,
        }
    };
    Ok(Prepared { client: c, secret })
}

/// A new client: a UUID v4 id when none is given, a generated secret for a confidential
/// client without one, and both timestamps set to `now` (unix seconds).
pub fn prepare_create(c: Client, policy: &Policy, now: i64) -> Result<Prepared, InvalidMetadata> {
    let mut p = prepare(c, policy, true)?;
    if p.client.client_id.is_empty() {
        p.client.client_id = uuid::Uuid::new_v4().to_string();
    }
    p.client.created_at = rfc3339(now);
    p.client.updated_at = p.client.created_at.clone();
    Ok(p)
}

/// A replacement for `existing`: the id in the path wins over the body's, `created_at` is
/// kept, and the stored secret is kept unless a new one is given. A confidential client
/// that has no secret yet (it was public) gets a generated one, returned once.
pub fn prepare_update(
    id: &str,
    c: Client,
    existing: &Client,
    has_secret: bool,
    policy: &Policy,
    now: i64,
) -> Result<Prepared, InvalidMetadata> {
    let mut p = prepare(c, policy, !has_secret)?;
    p.client.client_id = id.to_string();
    p.client.created_at = existing.created_at.clone();
    p.client.updated_at = rfc3339(now);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: serde_json::Value) -> Client {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn create_generates_an_id_and_a_secret() {
        let p = prepare_create(body(json!({})), &Policy::default(), 1_612_094_400).unwrap();
        assert_eq!(
            uuid::Uuid::parse_str(&p.client.client_id)
                .unwrap()
                .get_version_num(),
            4
        );
        assert!(matches!(&p.secret, SecretChange::Set(s) if s.len() >= 32));
        assert_eq!(p.client.created_at, "2021-01-31T12:00:00Z");
        assert_eq!(p.client.updated_at, p.client.created_at);
        assert_eq!(p.client.client_secret, None);
    }

    #[test]
    fn create_keeps_a_given_id_and_secret() {
        let p = prepare_create(
            body(json!({"client_id": "mine", "client_secret": "given-secret", "created_at": "1999-01-01T00:00:00Z"})),
            &Policy::default(),
            10,
        )
        .unwrap();
        assert_eq!(p.client.client_id, "mine");
        assert_eq!(p.secret, SecretChange::Set(Secret::new("given-secret")));
        assert_eq!(
            p.client.created_at, "1970-01-01T00:00:10Z",
            "the server sets times"
        );
    }

    #[test]
    fn public_clients_have_no_secret() {
        let p = prepare_create(
            body(json!({"token_endpoint_auth_method": "none", "client_secret": "ignored-secret"})),
            &Policy::default(),
            0,
        )
        .unwrap();
        assert_eq!(p.secret, SecretChange::Clear);
    }

    #[test]
    fn update_takes_the_path_id_and_keeps_created_at_and_secret() {
        let existing =
            prepare_create(body(json!({"client_id": "a"})), &Policy::default(), 5).unwrap();
        let p = prepare_update(
            "a",
            body(json!({"client_id": "b"})),
            &existing.client,
            true,
            &Policy::default(),
            99,
        )
        .unwrap();
        assert_eq!(p.client.client_id, "a");
        assert_eq!(p.client.created_at, existing.client.created_at);
        assert_eq!(p.client.updated_at, "1970-01-01T00:01:39Z");
        assert_eq!(p.secret, SecretChange::Keep);
        let p = prepare_update(
            "a",
            body(json!({})),
            &existing.client,
            false,
            &Policy::default(),
            99,
        )
        .unwrap();
        assert!(
            matches!(p.secret, SecretChange::Set(_)),
            "a confidential client gets a secret"
        );
    }
}
