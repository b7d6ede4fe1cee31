//! RFC 6902 JSON Patch over RFC 6901 JSON Pointers, as Hydra v2's
//! `PATCH /admin/clients/{id}` takes it. Pure: a patch is applied to a copy, so a
//! failing operation leaves the document as it was.

use serde_json::{Map, Value};

/// Why a patch cannot be applied (answered as a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, PatchError> {
    Err(PatchError(msg.into()))
}

/// The reference tokens of a JSON Pointer (`""` is the whole document).
fn tokens(pointer: &str) -> Result<Vec<String>, PatchError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return err(format!(
            "{pointer:?} is not a JSON Pointer (it must start with '/')"
        ));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// An array index token: digits without a leading zero.
fn index(token: &str, len: usize, allow_end: bool) -> Result<usize, PatchError> {
    if allow_end && token == "-" {
        return Ok(len);
    }
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    match token.parse::<usize>() {
        Ok(i) if valid && (i < len || (allow_end && i == len)) => Ok(i),
        _ => err(format!("array index {token:?} is out of range")),
    }
}

fn get_mut<'a>(doc: &'a mut Value, path: &[String]) -> Result<&'a mut Value, PatchError> {
    let mut at = doc;
    for t in path {
        at = match at {
            Value::Object(m) => match m.get_mut(t) {
                Some(v) => v,
                None => return err(format!("no member {t:?}")),
            },
            Value::Array(a) => {
                let i = index(t, a.len(), false)?;
                &mut a[i]
            }
            _ => return err(format!("{t:?} names a member of a scalar")),
        };
    }
    Ok(at)
}

fn add(doc: &mut Value, path: &[String], value: Value) -> Result<(), PatchError> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    match get_mut(doc, parent)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
        }
        Value::Array(a) => {
            let i = index(last, a.len(), true)?;
            a.insert(i, value);
        }
        _ => return err(format!("{last:?} names a member of a scalar")),
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &[String]) -> Result<Value, PatchError> {
    let Some((last, parent)) = path.split_last() else {
        return err("the whole document cannot be removed");
    };
    match get_mut(doc, parent)? {
        Value::Object(m) => m
            .remove(last)
            .map_or_else(|| err(format!("no member {last:?}")), Ok),
        Value::Array(a) => {
            let i = index(last, a.len(), false)?;
            Ok(a.remove(i))
        }
        _ => err(format!("{last:?} names a member of a scalar")),
    }
}

fn member<'a>(op: &'a Map<String, Value>, name: &str) -> Result<&'a Value, PatchError> {
    op.get(name)
        .map_or_else(|| err(format!("an operation lacks {name:?}")), Ok)
}

fn pointer(op: &Map<String, Value>, name: &str) -> Result<Vec<String>, PatchError> {
    match member(op, name)? {
        Value::String(s) => tokens(s),
        _ => err(format!("{name:?} must be a string")),
    }
}

fn apply_one(doc: &mut Value, op: &Value) -> Result<(), PatchError> {
    let Some(op) = op.as_object() else {
        return err("each operation must be an object");
    };
    let path = pointer(op, "path")?;
    match member(op, "op")?.as_str() {
        Some("add") => add(doc, &path, member(op, "value")?.clone()),
        Some("remove") => remove(doc, &path).map(|_| ()),
        Some("replace") => {
            let value = member(op, "value")?.clone();
            *get_mut(doc, &path)? = value;
            Ok(())
        }
        Some("move") => {
            let from = pointer(op, "from")?;
            if path.len() > from.len() && path.starts_with(&from) {
                return err("a value cannot be moved into itself");
            }
            let value = remove(doc, &from)?;
            add(doc, &path, value)
        }
        Some("copy") => {
            let from = pointer(op, "from")?;
            let value = get_mut(doc, &from)?.clone();
            add(doc, &path, value)
        }
        Some("test") => {
            if *get_mut(doc, &path)? == *member(op, "value")? {
                Ok(())
            } else {
                err("a test operation failed")
            }
        }
        _ => err("\"op\" must be add, remove, replace, move, copy or test"),
    }
}

/// `doc` with `patch` (a JSON array of operations) applied, or why it cannot be.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let Some(ops) = patch.as_array() else {
        return err("a JSON Patch is an array of operations");
    };
    let mut out = doc.clone();
    for (i, op) in ops.iter().enumerate() {
        apply_one(&mut out, op).map_err(|e| PatchError(format!("operation {i}: {}", e.0)))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(doc: Value, patch: Value) -> Value {
        apply(&doc, &patch).unwrap()
    }

    #[test]
    fn every_operation_of_rfc_6902() {
        let doc = json!({"a": {"b": [1, 2]}, "c": "x"});
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/1", "value": 9}])
            )["a"]["b"],
            json!([1, 9, 2])
        );
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/-", "value": 3}])
            )["a"]["b"],
            json!([1, 2, 3])
        );
        assert_eq!(
            ok(doc.clone(), json!([{"op": "remove", "path": "/c"}])),
            json!({"a": {"b": [1, 2]}})
        );
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "replace", "path": "/c", "value": null}])
            )["c"],
            Value::Null
        );
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "move", "from": "/c", "path": "/d"}])
            ),
            json!({"a": {"b": [1, 2]}, "d": "x"})
        );
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "copy", "from": "/a/b/0", "path": "/e"}])
            )["e"],
            json!(1)
        );
        assert_eq!(
            ok(
                doc.clone(),
                json!([{"op": "test", "path": "/c", "value": "x"}])
            ),
            doc
        );
        assert_eq!(
            ok(
                json!({"a/b": 1, "m~n": 2}),
                json!([{"op": "remove", "path": "/a~1b"}, {"op": "remove", "path": "/m~0n"}])
            ),
            json!({})
        );
    }

    #[test]
    fn a_failing_operation_is_an_error_and_nothing_is_applied() {
        let doc = json!({"a": [1], "c": "x"});
        for patch in [
            json!({"op": "add"}),
            json!([{"op": "remove", "path": "/nope"}]),
            json!([{"op": "replace", "path": "/nope", "value": 1}]),
            json!([{"op": "add", "path": "/a/5", "value": 1}]),
            json!([{"op": "add", "path": "/a/01", "value": 1}]),
            json!([{"op": "add", "path": "/c"}]),
            json!([{"op": "add", "path": "c", "value": 1}]),
            json!([{"op": "test", "path": "/c", "value": "y"}]),
            json!([{"op": "move", "from": "/a", "path": "/a/0"}]),
            json!([{"op": "frobnicate", "path": "/c"}]),
            json!([{"op": "replace", "path": "/c", "value": 1}, {"op": "remove", "path": "/x"}]),
        ] {
            assert!(apply(&doc, &patch).is_err(), "{patch}");
        }
    }
}
