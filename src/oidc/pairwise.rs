//! Pairwise subject identifiers (OpenID Connect Core §8.1), computed as Hydra 1.9.2 does
//! (`consent/subject_identifier_algorithm_pairwise.go`): lowercase hex of
//! SHA-256(sector ‖ local subject ‖ salt), where the sector is the client's
//! `sector_identifier_uri` (the whole string) or else the host of its only redirect URI.

use crate::client::Client;

/// Why a pairwise subject cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairwiseError {
    #[error("pairwise subject identifiers need oidc.subject_identifiers.pairwise.salt")]
    NoSalt,
    #[error(
        "the client needs a sector_identifier_uri when it has more than one redirect URI (or none)"
    )]
    NoSector,
}

/// The sector a client's pairwise subjects are computed for.
pub fn sector(client: &Client) -> Result<String, PairwiseError> {
    if !client.sector_identifier_uri.is_empty() {
        return Ok(client.sector_identifier_uri.clone());
    }
    match client.redirect_uris.as_slice() {
        [only] => url::Url::parse(only)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                Some(match u.port() {
                    Some(p) => format!("{host}:{p}"),
                    None => host,
                })
            })
            .ok_or(PairwiseError::NoSector),
        _ => Err(PairwiseError::NoSector),
    }
}

/// The subject `client` sees for the local `subject`: itself for public subject types,
/// the pairwise value for `subject_type = pairwise`.
pub fn subject_for(
    client: &Client,
    subject: &str,
    salt: Option<&str>,
) -> Result<String, PairwiseError> {
    if client.subject_type != "pairwise" {
        return Ok(subject.to_string());
    }
    let salt = salt
        .filter(|s| !s.is_empty())
        .ok_or(PairwiseError::NoSalt)?;
    Ok(obfuscate(&sector(client)?, subject, salt))
}

pub fn obfuscate(sector: &str, subject: &str, salt: &str) -> String {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    ctx.update(sector.as_bytes());
    ctx.update(subject.as_bytes());
    ctx.update(salt.as_bytes());
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(uris: &[&str], sector: &str) -> Client {
        Client {
            client_id: "c".into(),
            subject_type: "pairwise".into(),
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            sector_identifier_uri: sector.into(),
            ..Client::default()
        }
    }

    #[test]
    fn the_sector_is_the_sector_uri_or_the_only_redirect_host() {
        assert_eq!(
            sector(&client(&["https://a.example:8443/cb"], "")).unwrap(),
            "a.example:8443"
        );
        assert_eq!(
            sector(&client(
                &["https://a.example/cb", "https://b.example/cb"],
                "https://s.example/x.json"
            ))
            .unwrap(),
            "https://s.example/x.json"
        );
        assert_eq!(
            sector(&client(
                &["https://a.example/cb", "https://b.example/cb"],
                ""
            )),
            Err(PairwiseError::NoSector)
        );
    }

    #[test]
    fn pairwise_subjects_differ_per_sector_and_are_stable() {
        let a = client(&["https://a.example/cb"], "");
        let b = client(&["https://b.example/cb"], "");
        let sa = subject_for(&a, "alice", Some("some-salt-value")).unwrap();
        assert_eq!(
            sa,
            subject_for(&a, "alice", Some("some-salt-value")).unwrap()
        );
        assert_ne!(
            sa,
            subject_for(&b, "alice", Some("some-salt-value")).unwrap()
        );
        assert_eq!(sa.len(), 64);
        assert_eq!(obfuscate("a.example", "alice", "some-salt-value"), sa);
        assert_eq!(subject_for(&a, "alice", None), Err(PairwiseError::NoSalt));
        let public = Client::default();
        assert_eq!(subject_for(&public, "alice", None).unwrap(), "alice");
    }
}
