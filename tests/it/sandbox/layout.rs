//! The sandbox's source layout (issue 21 §1): no file over 500 lines, `mod.rs` files that only
//! list modules and re-export, and no circle among the files' imports — so a new bank or
//! profile is a new file and a seed entry, not an edit threaded through the others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

/// Every `.rs` file under `dir`, with its module path below `src/sandbox`.
fn sources(root: &Path, dir: &Path, out: &mut BTreeMap<Vec<String>, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut module: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            out.insert(module, path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` module (tests may
/// reach anywhere).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| if l.trim_start().starts_with("//") { "" } else { l }).collect::<Vec<_>>().join("\n")
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => {
            let path = tree.split(" as ").next().unwrap_or_default().trim();
            if !path.is_empty() {
                out.push(format!("{prefix}{path}"));
            }
        }
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap()];
            let (mut depth, mut start) = (0, 0);
            let prefix = format!("{prefix}{head}");
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&inner[start..i], &prefix, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&inner[start..], &prefix, out);
        }
    }
}

/// The module paths (below `sandbox`) a file's code names: its `use` trees and any inline
/// `crate::sandbox::…` path, with `super::`/`self::` and a `mod.rs`'s own children resolved.
fn references(module: &[String], is_mod_rs: bool, code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let tail = &rest[at + 4..];
        let end = tail.find(';').unwrap_or(tail.len());
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            expand(&tail[..end], "", &mut paths);
        }
        rest = &tail[end.min(tail.len())..];
    }
    let mut rest = code;
    while let Some(at) = rest.find("crate::sandbox::") {
        let tail = &rest[at..];
        let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
        // `crate::sandbox::x::{…}` is a `use` tree, read above.
        if !tail[end..].starts_with('{') {
            paths.push(tail[..end].trim_end_matches(':').to_string());
        }
        rest = &tail[end..];
    }
    let own = if is_mod_rs { module.to_vec() } else { module[..module.len().saturating_sub(1)].to_vec() };
    paths
        .into_iter()
        .filter_map(|p| {
            let segments: Vec<&str> = p.split("::").collect();
            let mut base: Vec<String>;
            let mut i = 0;
            if segments.len() > 1 && segments[0] == "crate" && segments[1] == "sandbox" {
                base = Vec::new();
                i = 2;
            } else if segments[0] == "super" || segments[0] == "self" {
                base = own.clone();
                while i < segments.len() && (segments[i] == "super" || segments[i] == "self") {
                    if segments[i] == "super" {
                        base.pop();
                    }
                    i += 1;
                }
            } else if is_mod_rs {
                // `pub use child::Item` in a `mod.rs`.
                base = own.clone();
            } else {
                return None;
            }
            base.extend(segments[i..].iter().map(|s| s.to_string()));
            Some(base)
        })
        .collect()
}

/// The file a module path leads to: the deepest module file along it.
fn target<'a>(files: &'a BTreeMap<Vec<String>, PathBuf>, path: &[String]) -> Option<&'a Vec<String>> {
    (0..=path.len()).rev().find_map(|k| files.get_key_value(&path[..k]).map(|(m, _)| m))
}

#[test]
fn sandbox_files_are_small_and_import_each_other_in_one_direction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sandbox");
    let mut files = BTreeMap::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 20, "found {} files under {}", files.len(), root.display());

    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let lines = text.lines().count();
        assert!(lines <= MAX_LINES, "{} has {lines} lines (at most {MAX_LINES})", path.display());
        let is_mod_rs = path.file_name().is_some_and(|n| n == "mod.rs");
        let code = code(&text);
        if is_mod_rs {
            // Only `mod` lines, re-exports and attributes.
            let mut leftover = String::new();
            for statement in code.split(';') {
                let mut s = statement.trim();
                while s.starts_with('#') {
                    s = s[s.find(']').map_or(s.len(), |i| i + 1)..].trim();
                }
                let allowed = s.is_empty()
                    || s.starts_with("pub use ")
                    || s.starts_with("mod ")
                    || s.starts_with("pub mod ")
                    || s.starts_with("pub(crate) mod ");
                if !allowed {
                    leftover.push_str(s);
                    leftover.push('\n');
                }
            }
            assert!(leftover.is_empty(), "{} holds more than modules and re-exports:\n{leftover}", path.display());
        }
        let edges = graph.entry(module.clone()).or_default();
        for reference in references(module, is_mod_rs, &code) {
            if let Some(to) = target(&files, &reference) {
                if to != module {
                    edges.insert(to.clone());
                }
            }
        }
    }

    // Depth-first search for a circle.
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) {
        match state.get(node) {
            Some(2) => return,
            Some(1) => {
                let from = stack.iter().position(|n| n == node).unwrap();
                let circle: Vec<String> = stack[from..].iter().chain([node]).map(|m| m.join("::")).collect();
                panic!("import circle in src/sandbox: {}", circle.join(" → "));
            }
            _ => {}
        }
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, state, stack);
        }
        stack.pop();
        state.insert(node.clone(), 2);
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        visit(node, &graph, &mut state, &mut Vec::new());
    }
}
