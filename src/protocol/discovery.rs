//! The discovery documents: OpenID Connect Discovery 1.0
//! (`/.well-known/openid-configuration`, Hydra's `wellKnown`) and RFC 8414
//! (`/.well-known/oauth-authorization-server`). Only what works is advertised. Both are
//! built once at start; the paths come from [`crate::paths`].

use crate::config::{Settings, Urls};
use crate::paths::{admin, public};
use crate::protocol::client_auth::ASSERTION_ALGS;
use serde_json::{json, Map, Value};

/// What `/oauth2/auth` answers: the code flow, the implicit flow and the hybrid flow
/// (OpenID Connect Core §3; spelled as in the OAuth 2.0 Multiple Response Types
/// registry, the order of the words does not matter). Hydra 1.9.2 lists the same set
/// without `code token`, which Portcullis also answers.
pub const RESPONSE_TYPES: &[&str] = &[
    "code",
    "id_token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
    "token",
];
pub const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "client_credentials",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
];
/// `query` is only used with `response_type=code`: tokens never travel in the query
/// (OAuth 2.0 Multiple Response Types §5).
pub const RESPONSE_MODES: &[&str] = &["query", "fragment", "form_post"];

const AUTH_METHODS: [&str; 4] = [
    "client_secret_post",
    "client_secret_basic",
    "private_key_jwt",
    "none",
];

/// The admin router authenticates callers itself (`serve.admin.api_keys`, a bearer
/// token) or not at all; introspection takes no client authentication of its own.
const INTROSPECTION_AUTH_METHODS: [&str; 2] = ["none", "bearer"];

/// Where the admin router is reachable: `urls.self.admin` when set; otherwise the admin
/// listener's own address when it is a concrete one (`serve.admin.host`, or loopback,
/// where an unconfigured admin port listens). A wildcard host (`0.0.0.0`, `::`) names
/// no address a client could use, and port 0 is chosen at start: nothing then.
pub fn admin_base(s: &Settings) -> Option<String> {
    if let Some(base) = &s.urls.self_.admin {
        return Some(base.clone());
    }
    let l = &s.serve.admin;
    if l.port == 0 {
        return None;
    }
    let host = match l.host.trim() {
        "" => "127.0.0.1",
        "0.0.0.0" | "::" | "[::]" => return None,
        h => h,
    };
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Some(format!("http://{host}:{}", l.port))
}

fn union(base: &[&str], extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    for e in extra {
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    out
}

fn subject_types(s: &Settings) -> Vec<String> {
    let configured = &s.oidc.subject_identifiers.supported_types;
    let salt_set = s
        .oidc
        .subject_identifiers
        .pairwise
        .salt
        .as_ref()
        .is_some_and(|x| !x.is_empty());
    let mut out: Vec<String> = if configured.is_empty() {
        vec!["public".into()]
    } else {
        configured.clone()
    };
    // Pairwise only works with a salt; never advertise it without one.
    out.retain(|t| t == "public" || (t == "pairwise" && salt_set));
    if out.is_empty() {
        out.push("public".into());
    }
    out
}

fn pkce_methods(s: &Settings) -> Vec<&'static str> {
    if s.oauth2.pkce.allow_plain {
        vec!["S256", "plain"]
    } else {
        vec!["S256"]
    }
}

/// Fields both documents share.
fn common(s: &Settings, u: &Urls) -> Map<String, Value> {
    let d = &s.webfinger.oidc_discovery;
    let v = json!({
        "issuer": u.issuer,
        "authorization_endpoint": u.public_url(public::AUTH),
        "token_endpoint": u.token_endpoint(),
        "jwks_uri": u.public_url(public::JWKS),
        "revocation_endpoint": u.public_url(public::REVOKE),
        "scopes_supported": union(&["offline_access", "offline", "openid"], &d.supported_scope),
        "response_types_supported": RESPONSE_TYPES,
        "response_modes_supported": RESPONSE_MODES,
        "grant_types_supported": GRANT_TYPES,
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "code_challenge_methods_supported": pkce_methods(s),
        "authorization_response_iss_parameter_supported": true,
    });
    let mut m = match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // Introspection is served on the admin router only: advertised where that router
    // is known to be reachable (see `admin_base`).
    if let Some(base) = admin_base(s) {
        let url = format!("{}{}", base.trim_end_matches('/'), admin::INTROSPECT);
        m.insert("introspection_endpoint".into(), url.into());
        m.insert(
            "introspection_endpoint_auth_methods_supported".into(),
            json!(INTROSPECTION_AUTH_METHODS),
        );
    }
    m
}

const STANDARD_CLAIMS: [&str; 12] = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "sid",
    "at_hash",
    "c_hash",
];

/// The fields of Hydra 1.9.2's `wellKnown`, the only ones
/// `/.well-known/openid-configuration` may carry: the generated 1.9.2 SDKs refuse a
/// field their model does not know (the Python SDK raises on
/// `code_challenge_methods_supported`). The RFC 8414 document carries everything.
const HYDRA_WELL_KNOWN: [&str; 26] = [
    "authorization_endpoint",
    "backchannel_logout_session_supported",
    "backchannel_logout_supported",
    "claims_parameter_supported",
    "claims_supported",
    "end_session_endpoint",
    "frontchannel_logout_session_supported",
    "frontchannel_logout_supported",
    "grant_types_supported",
    "id_token_signing_alg_values_supported",
    "issuer",
    "jwks_uri",
    "registration_endpoint",
    "request_object_signing_alg_values_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    "require_request_uri_registration",
    "response_modes_supported",
    "response_types_supported",
    "revocation_endpoint",
    "scopes_supported",
    "subject_types_supported",
    "token_endpoint",
    "token_endpoint_auth_methods_supported",
    "userinfo_endpoint",
    "userinfo_signing_alg_values_supported",
];

/// `/.well-known/openid-configuration`: everything Portcullis supports, as Hydra v2
/// and relying-party libraries read it (`code_challenge_methods_supported` is how
/// openid-client decides to use PKCE).
pub fn openid_configuration(s: &Settings, u: &Urls) -> Value {
    Value::Object(everything(s, u))
}

/// The same document cut to Hydra 1.9.2's `wellKnown` fields, for Ory's generated 1.9.2
/// SDKs (see [`is_hydra_1_9_2_sdk`]).
pub fn openid_configuration_hydra_1_9_2(s: &Settings, u: &Urls) -> Value {
    let mut m = everything(s, u);
    m.retain(|k, _| HYDRA_WELL_KNOWN.contains(&k.as_str()));
    Value::Object(m)
}

/// Whether a `User-Agent` is Ory's generated 1.x SDK (`OpenAPI-Generator/v1.9.2/python`):
/// its strict models refuse a discovery field they do not know, so it gets the 1.9.2
/// document while every other caller gets the full one.
pub fn is_hydra_1_9_2_sdk(user_agent: &str) -> bool {
    user_agent
        .strip_prefix("OpenAPI-Generator/")
        .is_some_and(|v| v.starts_with("v1.") || v.starts_with("1."))
}

/// Every field Portcullis advertises.
fn everything(s: &Settings, u: &Urls) -> Map<String, Value> {
    let mut m = common(s, u);
    let extra = json!({
        "userinfo_endpoint": u.public_url(public::USERINFO),
        "end_session_endpoint": u.public_url(public::LOGOUT),
        "subject_types_supported": subject_types(s),
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["none", "RS256"],
        "claims_supported": union(&STANDARD_CLAIMS, &s.webfinger.oidc_discovery.supported_claims),
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": true,
        "frontchannel_logout_session_supported": true,
        // Hydra v2's names for the algorithms it signs ID tokens and userinfo with.
        "id_token_signed_response_alg": ["RS256"],
        "userinfo_signed_response_alg": ["RS256"],
    });
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    // RFC 8628 §4; required by Hydra v2's model (the 1.9.2 cut drops it).
    m.insert(
        "device_authorization_endpoint".into(),
        u.public_url(public::DEVICE_AUTH).into(),
    );
    if s.oidc.dynamic_client_registration.enabled {
        m.insert(
            "registration_endpoint".into(),
            u.public_url(public::REGISTER).into(),
        );
    }
    m
}

/// `/.well-known/oauth-authorization-server` (RFC 8414 §2; OpenID fields are allowed).
pub fn authorization_server_metadata(s: &Settings, u: &Urls) -> Value {
    let mut m = everything(s, u);
    // Not an RFC 8414 metadata name, and only meaningful for OpenID Connect.
    m.remove("require_request_uri_registration");
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn introspection_is_advertised_where_the_admin_router_is_known() {
        let mut s = Settings::default();
        let u = Urls::from_settings(&s);
        let at = |s: &Settings| {
            authorization_server_metadata(s, &u)
                .get("introspection_endpoint")
                .cloned()
        };
        // Unconfigured, the admin port listens on loopback.
        assert_eq!(
            at(&s),
            Some(json!("http://127.0.0.1:4445/oauth2/introspect"))
        );
        s.serve.admin.host = "0.0.0.0".into();
        assert_eq!(at(&s), None);
        s.serve.admin.host = "::1".into();
        assert_eq!(at(&s), Some(json!("http://[::1]:4445/oauth2/introspect")));
        s.serve.admin.host = "admin.internal".into();
        s.serve.admin.port = 9000;
        assert_eq!(
            at(&s),
            Some(json!("http://admin.internal:9000/oauth2/introspect"))
        );
        s.urls.self_.admin = Some("https://admin.example/base/".into());
        assert_eq!(
            at(&s),
            Some(json!("https://admin.example/base/oauth2/introspect"))
        );
        let doc = openid_configuration(&s, &u);
        assert_eq!(
            doc["introspection_endpoint"],
            "https://admin.example/base/oauth2/introspect"
        );
        // Not a field of Hydra 1.9.2's wellKnown.
        assert!(openid_configuration_hydra_1_9_2(&s, &u)
            .get("introspection_endpoint")
            .is_none());
    }

    #[test]
    fn relying_parties_see_pkce_and_the_1_9_2_sdk_sees_its_own_fields() {
        let s = Settings::default();
        let u = Urls::from_settings(&s);
        for doc in [
            openid_configuration(&s, &u),
            authorization_server_metadata(&s, &u),
        ] {
            assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
            assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
            assert!(doc["revocation_endpoint"].is_string());
            assert!(doc["revocation_endpoint_auth_methods_supported"].is_array());
        }
        assert!(is_hydra_1_9_2_sdk("OpenAPI-Generator/v1.9.2/python"));
        assert!(is_hydra_1_9_2_sdk("OpenAPI-Generator/1.3.0/go"));
        assert!(!is_hydra_1_9_2_sdk("OpenAPI-Generator/v25.4.0/python"));
        assert!(!is_hydra_1_9_2_sdk("openid-client/6.0"));
    }

    #[test]
    fn the_openid_configuration_has_only_hydra_1_9_2_well_known_fields() {
        let mut s = Settings::default();
        s.oauth2.pkce.allow_plain = true;
        let u = Urls::from_settings(&s);
        let doc = openid_configuration_hydra_1_9_2(&s, &u);
        let doc = doc.as_object().unwrap();
        for k in doc.keys() {
            assert!(HYDRA_WELL_KNOWN.contains(&k.as_str()), "{k}");
        }
        // The SDK's required fields are all there.
        for k in [
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "subject_types_supported",
            "response_types_supported",
            "id_token_signing_alg_values_supported",
        ] {
            assert!(doc.contains_key(k), "{k}");
        }
        let rfc8414 = authorization_server_metadata(&s, &u);
        assert_eq!(
            rfc8414["code_challenge_methods_supported"],
            json!(["S256", "plain"])
        );
        assert_eq!(
            rfc8414["authorization_response_iss_parameter_supported"],
            true
        );
    }

    #[test]
    fn pairwise_is_advertised_only_with_a_salt() {
        let mut s = Settings::default();
        s.oidc.subject_identifiers.supported_types = vec!["public".into(), "pairwise".into()];
        assert_eq!(subject_types(&s), ["public"]);
        s.oidc.subject_identifiers.pairwise.salt = Some(crate::secret::Secret::new("a-salt-value"));
        assert_eq!(subject_types(&s), ["public", "pairwise"]);
    }
}
