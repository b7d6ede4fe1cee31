//! Layering: defaults < YAML file < environment.

use super::error::ConfigError;
use super::model::Settings;
use super::validate::validate;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Settings plus the keys that were present but are not understood (logged at start).
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    pub warnings: Vec<String>,
}

/// Loads the settings from an optional YAML file and the process environment.
pub fn load(file: Option<&Path>) -> Result<Loaded, ConfigError> {
    let text = match file {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.display().to_string(),
                source,
            })?,
        )),
        None => None,
    };
    let env: HashMap<String, String> = std::env::vars().collect();
    load_from(text.as_ref().map(|(p, t)| (p.as_str(), t.as_str())), &env)
}

/// The pure core of [`load`]: a file's name and text, and an environment.
pub fn load_from(
    file: Option<(&str, &str)>,
    env: &HashMap<String, String>,
) -> Result<Loaded, ConfigError> {
    let defaults = serde_json::to_value(Settings::default()).map_err(|e| {
        ConfigError::invalid("<defaults>", format!("cannot serialize defaults: {e}"))
    })?;
    let mut tree = defaults.clone();
    let mut warnings = Vec::new();

    if let Some((path, text)) = file {
        let from_file: Value = if text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_yaml_ng::from_str(text).map_err(|e| ConfigError::Yaml {
                path: path.to_string(),
                message: e.to_string(),
            })?
        };
        if !from_file.is_object() && !from_file.is_null() {
            return Err(ConfigError::Yaml {
                path: path.to_string(),
                message: "the top level must be a mapping".into(),
            });
        }
        unknown_keys(&defaults, &from_file, "", &mut warnings);
        merge(&mut tree, from_file);
    }

    let mut leaves = Vec::new();
    leaf_paths(&defaults, &mut Vec::new(), &mut leaves);
    for (path, default) in leaves {
        let name = path.join("_").to_uppercase();
        if let Some(raw) = env.get(&name) {
            let value = if default.is_array() {
                env_list(raw).map_err(|p| ConfigError::invalid(path.join("."), p))?
            } else {
                Value::String(raw.clone())
            };
            set_path(&mut tree, &path, value);
        }
    }

    let de = serde_path_to_error::deserialize::<_, Settings>(tree);
    let settings = de.map_err(|e| {
        let key = e.path().to_string();
        ConfigError::invalid(key, e.into_inner().to_string())
    })?;
    validate(&settings)?;
    Ok(Loaded { settings, warnings })
}

/// A list from the environment: a JSON array, or comma-separated values.
fn env_list(raw: &str) -> Result<Value, String> {
    let trimmed = raw.trim();
    if trimmed.starts_with('[') {
        let v: Value =
            serde_json::from_str(trimmed).map_err(|e| format!("invalid JSON list: {e}"))?;
        return Ok(v);
    }
    Ok(Value::Array(
        trimmed
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_string()))
            .collect(),
    ))
}

fn leaf_paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                prefix.push(k.clone());
                leaf_paths(child, prefix, out);
                prefix.pop();
            }
        }
        other => out.push((prefix.clone(), other.clone())),
    }
}

fn set_path(tree: &mut Value, path: &[String], value: Value) {
    let mut node = tree;
    for key in &path[..path.len() - 1] {
        if !node.get(key).is_some_and(Value::is_object) {
            node[key.as_str()] = Value::Object(Map::new());
        }
        node = &mut node[key.as_str()];
    }
    node[path[path.len() - 1].as_str()] = value;
}

fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (_, Value::Null) => {}
        (b, o) => *b = o,
    }
}

fn unknown_keys(known: &Value, given: &Value, prefix: &str, out: &mut Vec<String>) {
    let (Value::Object(k), Value::Object(g)) = (known, given) else {
        return;
    };
    for (key, value) in g {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match k.get(key) {
            None => out.push(format!(
                "configuration key `{path}` is not supported by Portcullis and is ignored"
            )),
            Some(child) => unknown_keys(child, value, &path, out),
        }
    }
}

#[cfg(test)]
mod tests;
