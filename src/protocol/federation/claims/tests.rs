use super::*;
use serde_json::json;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn sample() -> Map<String, Value> {
    obj(json!({
        "sub": "248289761001",
        "email": "jane@example.com",
        "oid": 1234567,
        "ratio": 1.5,
        "admin": true,
        "blank": "",
        "realm_access": {"roles": ["offline_access", "admin"]},
        "resource_access": {"portcullis": {"roles": ["viewer"]}},
        "cognito:groups": ["eu-admins", "readers"],
        "https://example.com/roles": ["auditor"],
        "a.b": "literal wins",
        "a": {"b": "nested loses"},
        "groups_direct": ["gitlab-org", "gitlab-org/security"],
        "groups": "Everyone",
    }))
}

#[test]
fn lookup_paths() {
    let c = sample();
    let table: &[(&str, Option<Value>)] = &[
        ("sub", Some(json!("248289761001"))),
        (
            "realm_access.roles",
            Some(json!(["offline_access", "admin"])),
        ),
        ("resource_access.portcullis.roles", Some(json!(["viewer"]))),
        ("cognito:groups", Some(json!(["eu-admins", "readers"]))),
        ("https://example.com/roles", Some(json!(["auditor"]))),
        ("a.b", Some(json!("literal wins"))),
        (
            "realm_access",
            Some(json!({"roles": ["offline_access", "admin"]})),
        ),
        ("realm_access.missing", None),
        ("realm_access.roles.0", None),
        ("sub.x", None),
        ("missing", None),
        ("", None),
        (".", None),
        ("realm_access.", None),
    ];
    for (path, want) in table {
        assert_eq!(lookup(&c, path), want.as_ref(), "{path}");
    }
}

#[test]
fn strings() {
    let c = sample();
    for (path, want) in [
        ("sub", Some("248289761001")),
        ("email", Some("jane@example.com")),
        ("oid", Some("1234567")),
        ("ratio", Some("1.5")),
        ("admin", None),
        ("blank", None),
        ("realm_access", None),
        ("realm_access.roles", None),
        ("a.b", Some("literal wins")),
        ("missing", None),
    ] {
        assert_eq!(string(&c, path).as_deref(), want, "{path}");
    }
}

#[test]
fn group_shapes() {
    let table: Vec<(&str, Value, Vec<&str>)> = vec![
        ("azure/okta list", json!(["a", "b"]), vec!["a", "b"]),
        ("single string", json!("Everyone"), vec!["Everyone"]),
        ("empty string", json!(""), vec![]),
        (
            "objects with name",
            json!([{"name": "dev", "id": 1}, {"name": "ops"}]),
            vec!["dev", "ops"],
        ),
        (
            "mixed",
            json!(["a", {"name": "b"}, 3, null, {"id": "x"}, {"name": 7}, ["c"], "a"]),
            vec!["a", "b"],
        ),
        (
            "dedupe keeps order",
            json!(["b", "a", "b", "", "a", "c"]),
            vec!["b", "a", "c"],
        ),
        ("number", json!(42), vec![]),
        ("bool", json!(true), vec![]),
        ("null", Value::Null, vec![]),
        ("object", json!({"name": "x"}), vec![]),
        ("empty list", json!([]), vec![]),
        (
            "case sensitive",
            json!(["Admin", "admin"]),
            vec!["Admin", "admin"],
        ),
    ];
    for (name, value, want) in table {
        assert_eq!(groups(&value), want, "{name}");
    }
}

#[test]
fn groups_from_providers() {
    let c = sample();
    for (path, want) in [
        ("realm_access.roles", vec!["offline_access", "admin"]),
        ("cognito:groups", vec!["eu-admins", "readers"]),
        ("groups_direct", vec!["gitlab-org", "gitlab-org/security"]),
        ("groups", vec!["Everyone"]),
        ("https://example.com/roles", vec!["auditor"]),
        ("missing", vec![]),
        ("email", vec!["jane@example.com"]),
    ] {
        assert_eq!(groups_at(&c, path), want, "{path}");
    }
}

#[test]
fn verified_email() {
    for (value, want) in [
        (json!(true), true),
        (json!("true"), true),
        (json!("TRUE"), true),
        (json!("True"), true),
        (json!(false), false),
        (json!("false"), false),
        (json!(" true"), false),
        (json!("yes"), false),
        (json!(1), false),
        (json!(null), false),
        (json!(["true"]), false),
    ] {
        let c = obj(json!({ "email_verified": value.clone() }));
        assert_eq!(email_verified(&c), want, "{value}");
    }
    assert!(!email_verified(&Map::new()));
}
