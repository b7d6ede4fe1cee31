use super::*;

fn client() -> Client {
    Client {
        client_id: "app".into(),
        redirect_uris: vec!["https://app.example/cb".into()],
        grant_types: vec!["authorization_code".into(), "implicit".into()],
        response_types: vec!["code".into(), "id_token token".into()],
        scope: "openid offline photos.*".into(),
        audience: vec!["https://api.example".into()],
        token_endpoint_auth_method: "client_secret_basic".into(),
        ..Default::default()
    }
}

fn policy() -> Policy<'static> {
    Policy {
        scope_strategy: "wildcard",
        pkce: PkcePolicy::default(),
    }
}

fn params(q: &str) -> Params {
    Params::parse(q, b"").unwrap()
}

const OK: &str = "client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid+photos.read&state=abcdefgh";

fn client_error(q: &str) -> (OAuthError, RedirectTarget) {
    match validate(&params(q), &client(), policy()) {
        Err(Rejection::Client(e, t)) => (e, *t),
        other => panic!("expected an error for the client, got {other:?}"),
    }
}

#[test]
fn a_valid_code_request_is_accepted() {
    let r = validate(
        &params(&format!(
            "{OK}&nonce=12345678&prompt=login&max_age=60&audience=https://api.example/x"
        )),
        &client(),
        policy(),
    )
    .unwrap();
    assert_eq!(r.scope, vec!["openid", "photos.read"]);
    assert_eq!(r.target.mode, ResponseMode::Query);
    assert_eq!(r.target.state, "abcdefgh");
    assert_eq!(r.max_age, 60);
    assert!(r.has_prompt("login"));
    assert_eq!(r.audience, vec!["https://api.example/x"]);
    assert_eq!(r.redirect_uri_sent, "https://app.example/cb");
}

#[test]
fn untrusted_redirect_uris_go_to_the_error_page() {
    for q in [
        "client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=abcdefgh",
        "client_id=app&response_type=code&scope=openid&state=abcdefgh",
        "client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_mode=bogus&state=abcdefgh",
    ] {
        assert!(matches!(validate(&params(q), &client(), policy()), Err(Rejection::ErrorPage(_))), "{q}");
    }
}

#[test]
fn later_errors_go_to_the_client_with_state() {
    let (e, t) = client_error(&OK.replace("photos.read", "admin"));
    assert_eq!(e.error, "invalid_scope");
    assert_eq!(t.state, "abcdefgh");
    assert_eq!(
        client_error(&OK.replace("abcdefgh", "short")).0.error,
        "invalid_state"
    );
    assert_eq!(
        client_error(&format!("{OK}&audience=https://other.example"))
            .0
            .error,
        "invalid_request"
    );
    assert_eq!(
        client_error(&format!("{OK}&prompt=none+login")).0.error,
        "invalid_request"
    );
    assert_eq!(
        client_error(&format!("{OK}&prompt=bogus")).0.error,
        "invalid_request"
    );
    assert_eq!(
        client_error(&format!("{OK}&max_age=abc")).0.error,
        "invalid_request"
    );
    assert_eq!(
        client_error(&format!("{OK}&nonce=short")).0.error,
        "insufficient_entropy"
    );
    assert_eq!(
        client_error(&format!("{OK}&request=x")).0.error,
        "request_not_supported"
    );
}

#[test]
fn response_type_errors_travel_in_the_query() {
    let (e, t) = client_error(&OK.replace("response_type=code", "response_type=token"));
    assert_eq!(e.error, "unsupported_response_type");
    assert_eq!(t.mode, ResponseMode::Query);
    let (e, _) = client_error(&OK.replace("response_type=code", "response_type=code+bogus"));
    assert_eq!(e.error, "unsupported_response_type");
}

#[test]
fn implicit_requests_need_a_nonce_openid_and_no_query_mode() {
    let q = OK.replace("response_type=code", "response_type=token+id_token");
    let (e, t) = client_error(&q);
    assert_eq!(e.error, "invalid_request");
    assert!(e.hint.contains("nonce"));
    assert_eq!(t.mode, ResponseMode::Fragment);
    let r = validate(&params(&format!("{q}&nonce=abcdefgh")), &client(), policy()).unwrap();
    assert_eq!(r.response_types, ["id_token", "token"]);
    assert_eq!(r.target.mode, ResponseMode::Fragment);
    assert!(!r.is_code_only() && r.wants("token") && r.wants("id_token"));
    let (e, t) = client_error(&format!("{q}&nonce=abcdefgh&response_mode=query"));
    assert_eq!(e.error, "unsupported_response_mode");
    assert_eq!(t.mode, ResponseMode::Fragment);
    let (e, _) = client_error(&format!("{q}&nonce=abcdefgh").replace("scope=openid+", "scope="));
    assert_eq!(e.error, "invalid_request");
    assert!(e.hint.contains("openid"));
    let form_post = format!("{q}&nonce=abcdefgh&response_mode=form_post");
    let r = validate(&params(&form_post), &client(), policy()).unwrap();
    assert_eq!(r.target.mode, ResponseMode::FormPost);
}

#[test]
fn hybrid_requests_need_both_grants_and_the_registered_combination() {
    let mut c = client();
    c.response_types.push("code id_token".into());
    let q = OK.replace("response_type=code", "response_type=id_token+code");
    let r = validate(&params(&format!("{q}&nonce=abcdefgh")), &c, policy()).unwrap();
    assert_eq!(r.response_types, ["code", "id_token"]);
    assert_eq!(r.target.mode, ResponseMode::Fragment);
    // Not registered for this client: refused, in the query.
    let (e, t) = client_error(&format!("{q}&nonce=abcdefgh"));
    assert_eq!(e.error, "unsupported_response_type");
    assert_eq!(t.mode, ResponseMode::Query);
    c.grant_types = vec!["authorization_code".into()];
    match validate(&params(&format!("{q}&nonce=abcdefgh")), &c, policy()) {
        Err(Rejection::Client(e, _)) => {
            assert_eq!(e.error, "unauthorized_client");
            assert!(e.hint.contains("implicit"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pkce_is_checked_for_public_clients_when_configured() {
    let mut c = client();
    c.token_endpoint_auth_method = "none".into();
    let p = Policy {
        pkce: PkcePolicy {
            enforced_for_public_clients: true,
            ..Default::default()
        },
        ..policy()
    };
    match validate(&params(OK), &c, p) {
        Err(Rejection::Client(e, _)) => assert!(e.hint.contains("code_challenge")),
        other => panic!("{other:?}"),
    }
    let with = format!("{OK}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    assert_eq!(
        validate(&params(&with), &c, p)
            .unwrap()
            .code_challenge_method,
        "S256"
    );
    assert!(validate(&params(OK), &client(), p).is_ok());
}

#[test]
fn grants_and_redirect_security_are_enforced() {
    let mut c = client();
    c.grant_types = vec!["client_credentials".into()];
    assert!(
        matches!(validate(&params(OK), &c, policy()), Err(Rejection::Client(e, _)) if e.error == "unauthorized_client")
    );
    let mut c = client();
    c.redirect_uris = vec!["http://app.example/cb".into()];
    let q = OK.replace("https%3A%2F%2Fapp.example", "http%3A%2F%2Fapp.example");
    assert!(
        matches!(validate(&params(&q), &c, policy()), Err(Rejection::Client(e, _)) if e.hint.contains("insecure"))
    );
}
