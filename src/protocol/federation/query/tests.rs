use super::*;
use proptest::prelude::*;

const P: ProtocolParams<'static> = ProtocolParams {
    client_id: "portcullis",
    redirect_uri: "https://auth.example.org/callback",
    scope: "openid email",
    state: "st4te",
    nonce: "n0nce",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
};

const PROTO: &str = "response_type=code&client_id=portcullis\
    &redirect_uri=https%3A%2F%2Fauth.example.org%2Fcallback&scope=openid+email\
    &state=st4te&nonce=n0nce&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
    &code_challenge_method=S256";

fn map(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn table() {
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, &'a [&'a str])],
        &'a [(&'a str, &'a str)],
        String,
    );
    let cases: Vec<Case> = vec![
        (
            "https://idp/auth",
            &[],
            &[],
            format!("https://idp/auth?{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("hd", &["example.com"])],
            &[],
            format!("https://idp/auth?hd=example.com&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("kc_idp_hint", &[])],
            &[],
            format!("https://idp/auth?kc_idp_hint&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("a", &["1", "2"]), ("b", &["x"])],
            &[],
            format!("https://idp/auth?a=1&a=2&b=x&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("b", &["2"]), ("B", &["1"]), ("a", &["0"])],
            &[],
            format!("https://idp/auth?B=1&a=0&b=2&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("k y", &["a b&c=d#e ü 日本"])],
            &[],
            format!("https://idp/auth?k+y=a+b%26c%3Dd%23e+%C3%BC+%E6%97%A5%E6%9C%AC&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[("empty", &[""])],
            &[],
            format!("https://idp/auth?empty=&{PROTO}"),
        ),
        (
            "https://idp/auth?tenant=x",
            &[("a", &["1"])],
            &[],
            format!("https://idp/auth?tenant=x&a=1&{PROTO}"),
        ),
        (
            "https://idp/auth?tenant=x",
            &[],
            &[],
            format!("https://idp/auth?tenant=x&{PROTO}"),
        ),
        (
            "https://idp/auth?",
            &[],
            &[],
            format!("https://idp/auth?{PROTO}"),
        ),
        (
            "https://idp/auth?a=1&",
            &[],
            &[],
            format!("https://idp/auth?a=1&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[],
            &[
                ("prompt", "login"),
                ("login_hint", "a b@c.d"),
                ("max_age", "0"),
            ],
            format!("https://idp/auth?{PROTO}&prompt=login&login_hint=a+b%40c.d&max_age=0"),
        ),
        (
            "https://idp/auth",
            &[("prompt", &["consent"])],
            &[("prompt", "login"), ("ui_locales", "de")],
            format!("https://idp/auth?prompt=consent&{PROTO}&ui_locales=de"),
        ),
        (
            "https://idp/auth",
            &[("prompt", &[])],
            &[("prompt", "login")],
            format!("https://idp/auth?prompt&{PROTO}"),
        ),
        (
            "https://idp/auth",
            &[],
            &[
                ("state", "evil"),
                ("redirect_uri", "https://evil"),
                ("acr_values", ""),
            ],
            format!("https://idp/auth?{PROTO}"),
        ),
    ];
    for (endpoint, statics, forwarded, want) in cases {
        let got = authorization_url(endpoint, &map(statics), &P, forwarded).unwrap();
        assert_eq!(got, want, "{endpoint} {statics:?} {forwarded:?}");
    }
}

#[test]
fn static_query_alone() {
    assert_eq!(static_query(&map(&[])), "");
    assert_eq!(
        static_query(&map(&[("a", &[]), ("b", &["", "x y"])])),
        "a&b=&b=x+y"
    );
}

#[test]
fn errors() {
    let empty = BTreeMap::new();
    assert_eq!(
        authorization_url("https://idp/auth#x", &empty, &P, &[]),
        Err(QueryError::Fragment)
    );
    assert_eq!(
        authorization_url("https://idp/auth#", &empty, &P, &[]),
        Err(QueryError::Fragment)
    );
    assert_eq!(
        authorization_url("", &empty, &P, &[]),
        Err(QueryError::EmptyEndpoint)
    );
    let bad = map(&[("state", &["x"])]);
    assert!(matches!(
        authorization_url("https://idp/auth", &bad, &P, &[]),
        Err(QueryError::StaticParam(m)) if m.contains("state")
    ));
    let no_nonce = ProtocolParams { nonce: "", ..P };
    assert_eq!(
        authorization_url("https://idp/auth", &empty, &no_nonce, &[]),
        Err(QueryError::EmptyProtocolParam("nonce"))
    );
    // Without a challenge (a provider configured with `pkce: none`) neither PKCE
    // parameter is sent.
    let no_pkce = ProtocolParams {
        code_challenge: "",
        ..P
    };
    let url = authorization_url("https://idp/auth", &empty, &no_pkce, &[]).unwrap();
    assert!(!url.contains("code_challenge"), "{url}");
    assert!(url.contains("&nonce="), "{url}");
}

#[test]
fn static_param_check() {
    assert!(check_static_params(&map(&[])).is_ok());
    assert!(check_static_params(&map(&[("hd", &["x"]), ("access_type", &[])])).is_ok());
    for key in PROTOCOL_PARAMS {
        let err = check_static_params(&map(&[("ok", &[]), (key, &["x"])])).unwrap_err();
        assert!(err.contains(key), "{err}");
    }
    assert!(check_static_params(&map(&[("", &["x"])])).is_err());
    // Case matters: upstreams compare parameter names exactly.
    assert!(check_static_params(&map(&[("State", &["x"])])).is_ok());
}

/// What `form_urlencoded::parse` must give back for a static map and forwarded list.
fn expected_pairs(
    statics: &BTreeMap<String, Vec<String>>,
    forwarded: &[(String, String)],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, vs) in statics {
        if vs.is_empty() {
            out.push((k.clone(), String::new()));
        }
        out.extend(vs.iter().map(|v| (k.clone(), v.clone())));
    }
    for (k, v) in [
        ("response_type", "code"),
        ("client_id", P.client_id),
        ("redirect_uri", P.redirect_uri),
        ("scope", P.scope),
        ("state", P.state),
        ("nonce", P.nonce),
        ("code_challenge", P.code_challenge),
        ("code_challenge_method", "S256"),
    ] {
        out.push((k.to_string(), v.to_string()));
    }
    for (k, v) in forwarded {
        if !statics.contains_key(k) && !v.is_empty() {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}

fn static_key() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_]{1,8}",
        Just("prompt".to_string()),
        Just("login_hint".to_string()),
    ]
    .prop_filter("valid static key", |k| {
        !k.is_empty() && !PROTOCOL_PARAMS.contains(&k.as_str())
    })
}

proptest! {
    #[test]
    fn round_trips(
        statics in prop::collection::btree_map(
            static_key(),
            prop::collection::vec(any::<String>(), 0..3),
            0..6,
        ),
        forwarded in prop::collection::vec(
            (prop::sample::select(FORWARDABLE_PARAMS.to_vec()), any::<String>()),
            0..4,
        ),
        with_query in any::<bool>(),
    ) {
        let endpoint = if with_query { "https://idp/auth?t=1" } else { "https://idp/auth" };
        let fwd: Vec<(&str, &str)> = forwarded.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = authorization_url(endpoint, &statics, &P, &fwd).unwrap();
        let (base, query) = url.split_once('?').unwrap();
        prop_assert_eq!(base, "https://idp/auth");
        let query = if with_query { query.strip_prefix("t=1&").unwrap() } else { query };
        let got: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let owned: Vec<(String, String)> =
            forwarded.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        prop_assert_eq!(got, expected_pairs(&statics, &owned));
        prop_assert!(!url.contains('#') && !url.contains(' '));
    }

    #[test]
    fn never_panics(endpoint in any::<String>(), key in any::<String>(), value in any::<String>()) {
        let statics = BTreeMap::from([(key.clone(), vec![value.clone()])]);
        let _ = authorization_url(&endpoint, &statics, &P, &[(key.as_str(), value.as_str())]);
        let _ = static_query(&statics);
        let _ = check_static_params(&statics);
    }
}
