//! The built site: the names of the files the browser loads. `cargo leptos` gives them a
//! content hash (`hash-files`) and writes the hashes beside the server binary (`hash.txt`);
//! they are read once, at start-up, so pages name their files without touching the disk.
//! A build without hashes (the integration tests' binary) uses the plain names.
//!
//! With `--split`, each island is a module of its own that its page loads after the main one;
//! the split manifest says which files each needs, so a page can ask for them at once.

use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What pages link to, besides the hydration scripts Leptos writes from the same hashes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assets {
    /// The stylesheet's URL path, e.g. `/pkg/assent.Xq….css`.
    pub css: String,
    /// For each lazy island (by its name in snake case, `consent_form`), the `<link>`s that
    /// preload its modules.
    preloads: HashMap<String, String>,
}

impl Assets {
    /// The `<link>`s that preload the modules of `island` (`consent_form`), if it is split.
    pub fn preloads(&self, island: &str) -> &str {
        self.preloads.get(island).map_or("", String::as_str)
    }
}

/// Reads the hashes of this build, if it has them, and sets `options.hash_files` to match:
/// Leptos' hydration scripts then name the hashed files too.
pub fn locate(options: &mut LeptosOptions) -> Assets {
    let hashes = hash_file(options).and_then(|path| std::fs::read_to_string(path).ok());
    options.hash_files = hashes.is_some();
    let hashed = |stem: &str, kind: &str, ext: &str| match hashes.as_deref().and_then(|h| hash_of(h, kind)) {
        Some(hash) => format!("{stem}.{hash}.{ext}"),
        None => format!("{stem}.{ext}"),
    };
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let route = format!("/{}", options.site_pkg_dir.trim_matches('/'));
    let css = hashed(&options.output_name, "css", "css");
    if !pkg.join(&css).exists() {
        // A hashed build whose `hash.txt` did not come along: the plain names are looked for.
        let hint = if hashes.is_none() && has_hashed_files(&pkg, &options.output_name) {
            "this build's file names carry hashes but its hash.txt is not beside the binary: copy it there"
        } else {
            "is LEPTOS_SITE_ROOT right?"
        };
        tracing::warn!(file = %pkg.join(&css).display(), hint, "the site's stylesheet is missing: pages will show unstyled");
    }
    let manifest = std::fs::read_to_string(pkg.join(hashed("__wasm_split_manifest", "manifest", "json")))
        .ok()
        .and_then(|m| serde_json::from_str::<HashMap<String, Vec<String>>>(&m).ok())
        .unwrap_or_default();
    let split_js = match hashes.as_deref().and_then(|h| hash_of(h, "split")) {
        Some(hash) => format!("__wasm_split.{hash}.js"),
        None => "__wasm_split.______________________.js".to_string(),
    };
    let preloads = manifest
        .into_iter()
        .filter_map(|(loader, modules)| {
            // `consent_form_loader_13916965266464271132` → `consent_form`
            let island = loader.rsplit_once("_loader_")?.0.to_string();
            let mut links = format!("<link rel=\"modulepreload\" href=\"{route}/{split_js}\" crossorigin=\"\"/>");
            for module in modules {
                links.push_str(&format!(
                    "<link rel=\"preload\" href=\"{route}/{module}.wasm\" as=\"fetch\" type=\"application/wasm\" \
                     crossorigin=\"\"/>"
                ));
            }
            Some((island, links))
        })
        .collect();
    Assets { css: format!("{route}/{css}"), preloads }
}

/// Where `cargo leptos` writes the hashes: beside the server binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join(options.hash_file.as_ref());
    path.exists().then_some(path)
}

/// The hash of `kind` (`js`, `wasm`, `css`, `manifest`, `split`) in a hash file's
/// `kind: hash` lines.
fn hash_of(hashes: &str, kind: &str) -> Option<String> {
    hashes.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == kind).then(|| v.trim().to_string())
    })
}

/// Whether `pkg` holds files named as `cargo leptos` names them with `hash-files`
/// (`assent.<hash>.css`).
fn has_hashed_files(pkg: &Path, stem: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(pkg) else { return false };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|rest| rest.ends_with(".css") && rest.len() > 4)
    })
}

#[cfg(test)]
mod tests {
    use super::hash_of;

    #[test]
    fn hashes_are_read_by_kind() {
        let file = "js: Aa1\nwasm: Bb2\ncss: Cc-_3\nmanifest: Dd4\n";
        assert_eq!(hash_of(file, "css").as_deref(), Some("Cc-_3"));
        assert_eq!(hash_of(file, "wasm").as_deref(), Some("Bb2"));
        assert_eq!(hash_of(file, "split"), None);
    }
}
