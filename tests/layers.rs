//! The architecture, checked: the modules of `src/` form layers whose imports point down
//! only. A `crate::x` path in a file of module `m` is an edge `m → x`; comments are
//! ignored. See `docs/architecture.md` for the layers and why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level module a file belongs to (`src/service/flow/admin.rs` → `service`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix("src").unwrap_or(file);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file refers to through `crate::…`, outside comments.
fn references(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().last();
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `$crate::` in a macro is the crate itself too.
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

/// Edges `module → module` over the whole crate, with one example file per edge.
fn graph() -> BTreeMap<(String, String), PathBuf> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    assert!(files.len() > 50, "run from the crate root");
    let mut edges = BTreeMap::new();
    for f in files {
        let from = module_of(&f);
        let text = std::fs::read_to_string(&f).expect("read source");
        for to in references(&text) {
            if to != from {
                edges.entry((from.clone(), to)).or_insert_with(|| f.clone());
            }
        }
    }
    edges
}

fn offenders(
    edges: &BTreeMap<(String, String), PathBuf>,
    bad: impl Fn(&str, &str) -> bool,
) -> Vec<String> {
    edges
        .iter()
        .filter(|((from, to), _)| bad(from, to))
        .map(|((from, to), f)| format!("{from} → {to} ({})", f.display()))
        .collect()
}

#[test]
fn nothing_but_the_binary_imports_the_composition_root() {
    let e = graph();
    let bad = offenders(&e, |from, to| {
        to == "app" && !matches!(from, "app" | "lib" | "main")
    });
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn only_app_imports_http() {
    let e = graph();
    let bad = offenders(&e, |from, to| {
        to == "http" && !matches!(from, "http" | "app" | "lib")
    });
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn store_and_model_import_no_rules_and_no_services() {
    let e = graph();
    let bad = offenders(&e, |from, to| {
        matches!(from, "store" | "model")
            && matches!(to, "protocol" | "service" | "http" | "app" | "jwk")
    });
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn protocol_is_pure() {
    let e = graph();
    let bad = offenders(&e, |from, to| {
        from == "protocol"
            && matches!(
                to,
                "store" | "jwk" | "service" | "http" | "app" | "telemetry"
            )
    });
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn top_level_modules_import_each_other_without_cycles() {
    let e = graph();
    let mut adj: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in e.keys() {
        adj.entry(from.as_str()).or_default().push(to.as_str());
    }
    // Depth-first search; a node met again while on the stack closes a cycle.
    fn visit<'a>(
        n: &'a str,
        adj: &BTreeMap<&'a str, Vec<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = stack.iter().position(|x| *x == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n);
            return Some(cycle);
        }
        if !done.insert(n) {
            return None;
        }
        stack.push(n);
        for m in adj.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, adj, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for n in adj.keys() {
        if let Some(cycle) = visit(n, &adj, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_checker_sees_imports_and_ignores_comments() {
    let r = references("use crate::store::Store; // crate::app\n$crate::http::x; notcrate::zzz");
    assert_eq!(
        r.into_iter().collect::<Vec<_>>(),
        ["http".to_string(), "store".to_string()]
    );
}
