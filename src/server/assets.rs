//! The built site: the names of the files the browser loads. `cargo leptos` gives them a
//! content hash (`hash-files`) and writes the hashes beside the server binary (`hash.txt`);
//! they are read once, at start-up, so pages name their files without touching the disk.
//! A build without hashes (the integration tests' binary) uses the plain names.

use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};

/// What pages link to, besides the hydration scripts Leptos writes from the same hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct Assets {
    /// The stylesheet's URL path, e.g. `/pkg/assent.Xq….css`.
    pub css: String,
}

/// Reads the hashes of this build, if it has them, and sets `options.hash_files` to match:
/// Leptos' hydration scripts then name the hashed files too.
pub fn locate(options: &mut LeptosOptions) -> Assets {
    let hashes = hash_file(options).and_then(|path| std::fs::read_to_string(path).ok());
    options.hash_files = hashes.is_some();
    let css_hash = hashes.as_deref().and_then(|h| hash_of(h, "css"));
    let name = match &css_hash {
        Some(hash) => format!("{}.{hash}.css", options.output_name),
        None => format!("{}.css", options.output_name),
    };
    let site = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if !site.join(&name).exists() {
        tracing::warn!(file = %site.join(&name).display(), "the site's stylesheet is missing: pages will show unstyled (is LEPTOS_SITE_ROOT right?)");
    }
    Assets { css: format!("/{}/{name}", options.site_pkg_dir.trim_matches('/')) }
}

/// Where `cargo leptos` writes the hashes: beside the server binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join(options.hash_file.as_ref());
    path.exists().then_some(path)
}

/// The hash of `kind` (`js`, `wasm`, `css`) in a hash file's `kind: hash` lines.
fn hash_of(hashes: &str, kind: &str) -> Option<String> {
    hashes.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == kind).then(|| v.trim().to_string())
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
