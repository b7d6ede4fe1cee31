//! The URL-valued fields: redirect URIs, CORS origins, and the informational and
//! server-fetched URIs.

use super::{invalid, Client, InvalidMetadata};
use url::Url;

/// An absolute URL (it has a scheme); `schemes` restricts the scheme when not empty.
fn absolute(field: &'static str, value: &str, schemes: &[&str]) -> Result<Url, InvalidMetadata> {
    let u = Url::parse(value)
        .map_err(|_| invalid(field, format!("{value:?} is not an absolute URL")))?;
    if !schemes.is_empty() && !schemes.contains(&u.scheme()) {
        return Err(invalid(
            field,
            format!("{value:?} must use the scheme {}", schemes.join(" or ")),
        ));
    }
    Ok(u)
}

pub(super) fn uri_fields(c: &Client) -> Result<(), InvalidMetadata> {
    const WEB: &[&str] = &["http", "https"];
    // URLs the server or the browser fetches are limited to http(s); the rest only
    // need to be absolute.
    let fields: [(&'static str, &str, &[&str]); 8] = [
        ("policy_uri", &c.policy_uri, &[]),
        ("tos_uri", &c.tos_uri, &[]),
        ("client_uri", &c.client_uri, &[]),
        ("logo_uri", &c.logo_uri, &[]),
        ("jwks_uri", &c.jwks_uri, WEB),
        ("frontchannel_logout_uri", &c.frontchannel_logout_uri, WEB),
        ("backchannel_logout_uri", &c.backchannel_logout_uri, WEB),
        // Hydra requires https here (OpenID Connect Core §8.1).
        (
            "sector_identifier_uri",
            &c.sector_identifier_uri,
            &["https"],
        ),
    ];
    for (field, value, schemes) in fields {
        if !value.is_empty() {
            absolute(field, value, schemes)?;
        }
    }
    Ok(())
}

pub(super) fn cors_origins(c: &mut Client) -> Result<(), InvalidMetadata> {
    const F: &str = "allowed_cors_origins";
    for origin in c.allowed_cors_origins.iter_mut() {
        let u = absolute(F, origin, &["http", "https"])?;
        if !u.username().is_empty() || u.password().is_some() {
            return Err(invalid(
                F,
                format!("{origin:?} must not contain a user or password"),
            ));
        }
        let path = u.path().trim_end_matches('/');
        if !path.is_empty() || u.query().is_some() || u.fragment().is_some() {
            return Err(invalid(
                F,
                format!("{origin:?} must have an empty path, query and fragment"),
            ));
        }
        // Stored in the form browsers send in `Origin`, so matching is a string compare.
        *origin = u.origin().ascii_serialization();
    }
    Ok(())
}

pub(super) fn redirect_uris(c: &Client) -> Result<(), InvalidMetadata> {
    let mut redirects = Vec::with_capacity(c.redirect_uris.len());
    for r in &c.redirect_uris {
        let u = absolute("redirect_uris", r, &[])?;
        if r.contains('#') {
            return Err(invalid(
                "redirect_uris",
                format!("{r:?} must not contain a fragment (#)"),
            ));
        }
        redirects.push(u);
    }
    const F: &str = "post_logout_redirect_uris";
    for l in &c.post_logout_redirect_uris {
        let u = absolute(F, l, &[])?;
        let matches = redirects.iter().any(|r| {
            r.scheme() == u.scheme()
                && r.host_str() == u.host_str()
                && r.port_or_known_default() == u.port_or_known_default()
        });
        if !matches {
            return Err(invalid(
                F,
                format!(
                    "{l:?} must match the scheme, host and port of at least one of the redirect_uris"
                ),
            ));
        }
    }
    Ok(())
}
