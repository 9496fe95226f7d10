//! The optional configuration file (`ASSENT_CONFIG`, TOML): settings per workspace of the
//! tenant, for one Assent serving the consent pages of several banks (the System API is
//! tenant-wide). Today a workspace's brand; the environment's `ASSENT_BRAND_*` stay the
//! brand of every other page. A file that does not read is refused with the key at fault.
//!
//! ```toml
//! [workspace.gobank.brand]
//! name = "Go Bank"
//! logo = "/brands/gobank.svg"   # or an https URL
//! color = "#0b6e4f"             # accent on light backgrounds
//! color_dark = "#5fd3a6"        # optional, on dark ones
//! ```

use super::brand::{colour, logo};
use super::{err, ConfigError, Theme};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file the embedded sandbox brings when `ASSENT_CONFIG` is unset: its banks' brands.
pub const SANDBOX: &str = include_str!("../../sandbox/assent.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    workspace: BTreeMap<String, Workspace>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Workspace {
    brand: Option<Brand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Brand {
    name: String,
    logo: Option<String>,
    color: Option<String>,
    color_dark: Option<String>,
}

/// The brands of `text`, by workspace id; `origin` names the file in errors.
pub fn brands(text: &str, origin: &str) -> Result<BTreeMap<String, Theme>, ConfigError> {
    let file: File = toml::from_str(text).or_else(|e| err(format!("{origin}: {}", e.to_string().trim_end())))?;
    let mut brands = BTreeMap::new();
    for (id, workspace) in file.workspace {
        let key = format!("workspace.{id}");
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return err(format!("{origin}: {key}: a workspace id is letters, digits, '-' and '_'"));
        }
        let Some(brand) = workspace.brand else { continue };
        let name = brand.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return err(format!("{origin}: {key}.brand.name must be 1 to 80 printable characters"));
        }
        let field = |f: &str| format!("{origin}: {key}.brand.{f}");
        let theme = Theme {
            name,
            logo: logo(&field("logo"), brand.logo)?,
            color: colour(&field("color"), brand.color)?,
            color_dark: colour(&field("color_dark"), brand.color_dark)?,
        };
        brands.insert(id, theme);
    }
    Ok(brands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_file_brands_both_banks() {
        let brands = brands(SANDBOX, "sandbox").unwrap();
        assert_eq!(brands["gobank"].name, "Go Bank");
        assert_eq!(brands["hyperscalebank"].name, "Hyperscale Bank");
        assert!(brands.values().all(|b| b.logo.is_some() && b.color.is_some()));
    }

    #[test]
    fn a_bad_file_is_refused_with_the_key_at_fault() {
        let e = |text: &str| brands(text, "assent.toml").unwrap_err().0;
        let unknown = e("[workspace.gobank.brand]\nname = \"Go Bank\"\ncolour = \"#000000\"\n");
        assert!(unknown.contains("assent.toml") && unknown.contains("colour"), "{unknown}");
        let colour = e("[workspace.gobank.brand]\nname = \"Go Bank\"\ncolor = \"green\"\n");
        assert!(colour.contains("workspace.gobank.brand.color must be a colour"), "{colour}");
        let logo = e("[workspace.gobank.brand]\nname = \"Go Bank\"\nlogo = \"http://bank.example/logo.svg\"\n");
        assert!(logo.contains("workspace.gobank.brand.logo must use https://"), "{logo}");
        let name = e("[workspace.gobank.brand]\nname = \" \"\n");
        assert!(name.contains("workspace.gobank.brand.name"), "{name}");
        let id = e("[workspace.\"go bank\".brand]\nname = \"Go Bank\"\n");
        assert!(id.contains("workspace.go bank: a workspace id"), "{id}");
        let missing = e("[workspace.gobank.brand]\nlogo = \"/logo.svg\"\n");
        assert!(missing.contains("name"), "{missing}");
        let syntax = e("[workspace.gobank.brand\n");
        assert!(syntax.contains("assent.toml") && syntax.contains("line 1"), "{syntax}");
    }

    #[test]
    fn an_empty_file_brands_nothing() {
        assert!(brands("", "assent.toml").unwrap().is_empty());
        assert!(brands("[workspace.demo]\n", "assent.toml").unwrap().is_empty());
    }
}
