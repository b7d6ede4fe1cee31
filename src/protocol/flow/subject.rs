//! Subject identifiers (OpenID Connect Core §8): `public` is the subject itself;
//! `pairwise` is SHA-256(sector identifier ‖ subject ‖ salt) in hex, Hydra's algorithm,
//! unless the login app forced a value.

use crate::model::Client;
use crate::protocol::error::OAuthError;
use aws_lc_rs::digest;

/// The obfuscated subject for `client`, or `""` when the client uses `public`.
pub fn obfuscated_subject(
    client: &Client,
    subject: &str,
    forced: Option<&str>,
    salt: Option<&str>,
) -> Result<String, OAuthError> {
    if client.subject_type != "pairwise" {
        return Ok(String::new());
    }
    if let Some(f) = forced.filter(|f| !f.is_empty()) {
        return Ok(f.to_string());
    }
    let salt = salt.filter(|s| !s.is_empty()).ok_or_else(|| {
        OAuthError::server_error("the client uses pairwise subjects but oidc.subject_identifiers.pairwise.salt is not set")
    })?;
    let sector = if !client.sector_identifier_uri.is_empty() {
        client.sector_identifier_uri.clone()
    } else {
        match client.redirect_uris.as_slice() {
            [one] => url::Url::parse(one)
                .ok()
                .and_then(|u| u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                }))
                .unwrap_or_default(),
            [] => {
                return Err(OAuthError::invalid_request(format!(
                    "OAuth 2.0 Client {} neither specifies a sector_identifier_uri nor a redirect_uri which is not allowed when performing using subject type pairwise. Please reconfigure the OAuth 2.0 client properly.",
                    client.client_id
                )))
            }
            _ => {
                return Err(OAuthError::invalid_request(format!(
                    "OAuth 2.0 Client {} has multiple redirect_uris but no sector_identifier_uri was set which is not allowed when performing using subject type pairwise. Please reconfigure the OAuth 2.0 client properly.",
                    client.client_id
                )))
            }
        }
    };
    let d = digest::digest(
        &digest::SHA256,
        format!("{sector}{subject}{salt}").as_bytes(),
    );
    Ok(d.as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_subjects_depend_on_sector_and_salt() {
        let mut c = Client {
            subject_type: "pairwise".into(),
            redirect_uris: vec!["https://a.example/cb".into()],
            ..Default::default()
        };
        let a = obfuscated_subject(&c, "alice", None, Some("salt-salt")).unwrap();
        assert_eq!(a.len(), 64);
        // Hydra: sha256("a.example" + "alice" + "salt-salt").
        let expected = digest::digest(&digest::SHA256, b"a.examplealicesalt-salt");
        assert_eq!(
            a,
            expected
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        assert_ne!(
            a,
            obfuscated_subject(&c, "alice", None, Some("other-salt")).unwrap()
        );
        assert_eq!(
            obfuscated_subject(&c, "alice", Some("forced"), Some("s")).unwrap(),
            "forced"
        );
        c.redirect_uris.push("https://b.example/cb".into());
        assert!(obfuscated_subject(&c, "alice", None, Some("s")).is_err());
        c.subject_type = "public".into();
        assert_eq!(obfuscated_subject(&c, "alice", None, None).unwrap(), "");
    }
}
