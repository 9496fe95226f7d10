//! The optional configuration file (`ASSENT_CONFIG`, TOML): settings per workspace of the
//! tenant, for one Assent serving the consent pages of several banks (the System API is
//! tenant-wide). A workspace's brand (the environment's `ASSENT_BRAND_*` stay the brand of
//! every other page), where its consent records are kept, and its bank. A file that does not
//! read is refused with the key at fault.
//!
//! ```toml
//! [workspace.gobank.brand]
//! name = "Go Bank"
//! logo = "/brands/gobank.svg"   # or an https URL
//! color = "#0b6e4f"             # accent on light backgrounds
//! color_dark = "#5fd3a6"        # optional, on dark ones
//!
//! [workspace.hyperscalebank]
//! storage = "identity-pool"     # assent | identity-pool | none; CONSENT_STORAGE when unset
//! identity_pool = "hyperscalebank-consents"
//! bank_url = "https://bank.example/hyperscale"   # its own bank's internal accounts API
//! bank_id_claim = "customer_id" # BANK_ID_CLAIM for its bank
//! account_scopes = "accounts"   # ACCOUNT_SCOPES for its bank; both only with bank_url
//!
//! users = "hyperscale"          # who signs in there, when not the tenant's one set of people
//!
//! [workspace.obuk]
//! regime = "obuk"               # obuk | cdr: whose consents the portal lists and stops there
//!
//! [workspace.cdr]
//! history_from = "2017-01-01"   # the oldest transactions its bank discloses (the CDR screen says)
//!
//! [workspace.openfinance-br]
//! preselect = false             # the consent screen starts with no optional scope ticked
//! ```

use super::brand::{colour, logo};
use super::{err, parse_url, ConfigError, Theme};
use serde::Deserialize;
use std::collections::BTreeMap;
use url::Url;

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
    storage: Option<String>,
    identity_pool: Option<String>,
    bank_url: Option<String>,
    bank_id_claim: Option<String>,
    account_scopes: Option<String>,
    regime: Option<String>,
    users: Option<String>,
    staff_role: Option<String>,
    preselect: Option<bool>,
    history_from: Option<String>,
}

/// Where one workspace's consent records are kept, when it says (`storage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkspaceStorage {
    /// Assent's own store (`assent`): SQLite, or PostgreSQL with `ASSENT_DATABASE_URL`.
    Assent,
    /// The users of this identity pool (`identity-pool`, with `identity_pool`), through the
    /// System Identity API.
    IdentityPool(String),
    /// None (`none`): this workspace's grants carry no `consent_id`.
    None,
}

/// A workspace's settings besides its brand; each unset one is the environment's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkspaceSettings {
    pub storage: Option<WorkspaceStorage>,
    /// Its bank's internal accounts API (`{bank_url}/internal/accounts?customer_id=`).
    pub bank_url: Option<Url>,
    /// The `authentication_context` claim holding the bank's customer id there.
    pub bank_id_claim: Option<String>,
    /// The scopes of a scope-grant request there that share accounts of its own bank
    /// (`account_scopes`, with `bank_url`); `ACCOUNT_SCOPES`' when unset.
    pub account_scopes: Option<Vec<String>>,
    /// The Open Banking regime whose consents live there (`regime`), for the portal.
    pub regime: Option<Regime>,
    /// Who signs in there (`users`), when its people are not the tenant's one set: a subject
    /// names one person only among workspaces of the same `users`, so the portal shows a
    /// customer the consent records of those workspaces only.
    pub users: Option<String>,
    /// The role (in `STAFF_ROLE_CLAIM`) that opens the console to this workspace's records
    /// only (`staff_role`): its bank's staff. `STAFF_ROLE` opens it to every workspace's.
    pub staff_role: Option<String>,
    /// Whether its generic consent screen starts with the optional scopes ticked (`preselect`;
    /// unset: yes). `false` where pre-ticked boxes are no consent: Brazil's Open Finance rules
    /// (no pre-filled consent), or a bank whose counsel reads the GDPR so.
    pub preselect: Option<bool>,
    /// The day its bank's transaction history begins (`history_from`): a CDR arrangement that
    /// asks for transactions says how far back they go (the historic range a data holder's
    /// authorisation must state).
    pub history_from: Option<chrono::NaiveDate>,
}

/// A workspace's Open Banking regime, besides FDX (`FDX_WORKSPACE`) and generic scope grants.
/// Its consents are named before Assent sees them (the UK `ConsentId`, the CDR arrangement
/// id), and their records carry that name as their id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// UK Open Banking (`obuk`): account-access and payment consents.
    Obuk,
    /// Australia's Consumer Data Right (`cdr`): arrangements.
    Cdr,
}

impl Regime {
    fn name(self) -> &'static str {
        match self {
            Regime::Obuk => "obuk",
            Regime::Cdr => "cdr",
        }
    }
}

/// What the file says: brands and other settings, by workspace id.
#[derive(Clone, Debug, Default)]
pub struct FileConfig {
    pub brands: BTreeMap<String, Theme>,
    pub workspaces: BTreeMap<String, WorkspaceSettings>,
}

/// Letters, digits, `-` and `_`, 1 to 128 of them.
fn plain_id(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
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
#[cfg(test)]
pub fn brands(text: &str, origin: &str) -> Result<BTreeMap<String, Theme>, ConfigError> {
    read(text, origin).map(|f| f.brands)
}

/// What `text` says; `origin` names the file in errors.
pub fn read(text: &str, origin: &str) -> Result<FileConfig, ConfigError> {
    let file: File = toml::from_str(text).or_else(|e| err(format!("{origin}: {}", e.to_string().trim_end())))?;
    let mut read = FileConfig::default();
    for (id, workspace) in file.workspace {
        let key = format!("workspace.{id}");
        if !plain_id(&id) {
            return err(format!("{origin}: {key}: a workspace id is letters, digits, '-' and '_'"));
        }
        let settings = settings(origin, &key, &workspace)?;
        if let Some(regime) = settings.regime {
            let other = read.workspaces.iter().find(|(_, w)| w.regime == Some(regime));
            if let Some((other, _)) = other {
                return err(format!(
                    "{origin}: {key}.regime: workspace.{other} is already the {} workspace (one per regime)",
                    regime.name()
                ));
            }
        }
        if settings != WorkspaceSettings::default() {
            read.workspaces.insert(id.clone(), settings);
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
        read.brands.insert(id, theme);
    }
    Ok(read)
}

/// A workspace's storage and bank, checked.
fn settings(origin: &str, key: &str, w: &Workspace) -> Result<WorkspaceSettings, ConfigError> {
    let pool = match &w.identity_pool {
        Some(p) if !plain_id(p.trim()) => {
            return err(format!("{origin}: {key}.identity_pool is letters, digits, '-' and '_': {p}"))
        }
        p => p.as_ref().map(|p| p.trim().to_string()),
    };
    let storage = match (w.storage.as_deref().map(str::trim), pool) {
        (Some("identity-pool"), Some(pool)) => Some(WorkspaceStorage::IdentityPool(pool)),
        (Some("identity-pool"), None) => {
            return err(format!("{origin}: {key}.identity_pool is required with storage = \"identity-pool\""))
        }
        (_, Some(_)) => {
            return err(format!("{origin}: {key}.identity_pool is set but {key}.storage is not \"identity-pool\""))
        }
        (Some("assent"), None) => Some(WorkspaceStorage::Assent),
        (Some("none"), None) => Some(WorkspaceStorage::None),
        (Some(other), None) => {
            return err(format!("{origin}: {key}.storage must be assent, identity-pool or none: {other}"))
        }
        (None, None) => None,
    };
    let bank_url = match &w.bank_url {
        Some(u) => Some(parse_url(&format!("{origin}: {key}.bank_url"), u.trim().trim_end_matches('/'))?),
        None => None,
    };
    let bank_id_claim = match &w.bank_id_claim {
        Some(c) if c.trim().is_empty() || c.len() > 128 || c.chars().any(char::is_control) => {
            return err(format!("{origin}: {key}.bank_id_claim must be 1 to 128 printable characters"))
        }
        c => c.as_ref().map(|c| c.trim().to_string()),
    };
    // A bank's settings go with its bank: BANK_URL's are BANK_ID_CLAIM and ACCOUNT_SCOPES.
    for (name, set) in [("bank_id_claim", bank_id_claim.is_some()), ("account_scopes", w.account_scopes.is_some())] {
        if set && bank_url.is_none() {
            return err(format!(
                "{origin}: {key}.{name} is set but {key}.bank_url is not (BANK_URL's bank has {})",
                name.to_uppercase()
            ));
        }
    }
    // Separated by spaces or commas, as ACCOUNT_SCOPES.
    let account_scopes = w.account_scopes.as_ref().map(|list| list.replace(',', " "));
    let account_scopes = account_scopes
        .map(|list| super::tenant::scope_list(&format!("{origin}: {key}.account_scopes"), &list))
        .transpose()?;
    let regime = match w.regime.as_deref().map(str::trim) {
        None => None,
        Some("obuk") => Some(Regime::Obuk),
        Some("cdr") => Some(Regime::Cdr),
        Some(other) => return err(format!("{origin}: {key}.regime must be obuk or cdr: {other}")),
    };
    if let (Some(regime), Some(WorkspaceStorage::IdentityPool(_))) = (regime, &storage) {
        return err(format!(
            "{origin}: {key}: an identity pool picks its records' ids, but a {} consent's record is \
             named by the consent's own id; set storage = \"assent\" or \"none\" there",
            regime.name()
        ));
    }
    let users = match &w.users {
        Some(u) if u.trim().is_empty() || u.len() > 64 || u.chars().any(char::is_control) => {
            return err(format!("{origin}: {key}.users must be 1 to 64 printable characters"))
        }
        u => u.as_ref().map(|u| u.trim().to_string()),
    };
    let staff_role = match &w.staff_role {
        Some(r)
            if r.trim().is_empty()
                || r.len() > 128
                || r.trim().chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            return err(format!(
                "{origin}: {key}.staff_role must be one role: 1 to 128 printable characters, no spaces"
            ))
        }
        r => r.as_ref().map(|r| r.trim().to_string()),
    };
    let history_from = match w.history_from.as_deref().map(str::trim) {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) if day <= chrono::Utc::now().date_naive() => Some(day),
            _ => return err(format!("{origin}: {key}.history_from must be a day (YYYY-MM-DD), not in the future")),
        },
    };
    Ok(WorkspaceSettings {
        storage,
        bank_url,
        bank_id_claim,
        account_scopes,
        regime,
        users,
        staff_role,
        preselect: w.preselect,
        history_from,
    })
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
    fn the_sandbox_file_keeps_hyperscale_banks_records_in_its_pool() {
        let file = read(SANDBOX, "sandbox").unwrap();
        let storage = file.workspaces["hyperscalebank"].storage.clone();
        assert_eq!(storage, Some(WorkspaceStorage::IdentityPool("hyperscalebank-consents".into())));
        let gobank = &file.workspaces["gobank"];
        assert_eq!(gobank.storage, None, "Go Bank keeps the environment's");
        assert_eq!(gobank.staff_role.as_deref(), Some("gobank_consent_admin"), "and has staff of its own");
    }

    #[test]
    fn a_workspace_may_start_its_screen_with_nothing_optional_ticked() {
        let file = read("[workspace.br]\npreselect = false\n[workspace.a]\n", "assent.toml").unwrap();
        assert_eq!(file.workspaces["br"].preselect, Some(false));
        assert!(file.workspaces.get("a").is_none_or(|a| a.preselect.is_none()), "unset: the default");
        let e = read("[workspace.br]\npreselect = \"no\"\n", "assent.toml").unwrap_err().0;
        assert!(e.contains("preselect"), "{e}");
    }

    #[test]
    fn a_banks_history_begins_on_a_day_of_the_past() {
        let file = read("[workspace.cdr]\nhistory_from = \"2017-01-01\"\n", "assent.toml").unwrap();
        assert_eq!(file.workspaces["cdr"].history_from, chrono::NaiveDate::from_ymd_opt(2017, 1, 1));
        for bad in ["\"2017-13-01\"", "\"01/01/2017\"", "\"2999-01-01\""] {
            let e = read(&format!("[workspace.cdr]\nhistory_from = {bad}\n"), "assent.toml").unwrap_err().0;
            assert!(e.contains("workspace.cdr.history_from must be a day"), "{bad}: {e}");
        }
    }

    /// A bank named only here has its own scopes that share accounts, checked as scopes, and
    /// only beside its `bank_url` (`ACCOUNT_SCOPES` is `BANK_URL`'s bank's).
    #[test]
    fn a_workspaces_bank_has_its_own_account_scopes() {
        let bank = "[workspace.c]\nbank_url = \"https://bank.example/c\"\n";
        let file = read(&format!("{bank}account_scopes = \" accounts, transactions \"\n"), "assent.toml").unwrap();
        let scopes = file.workspaces["c"].account_scopes.clone();
        assert_eq!(scopes, Some(vec!["accounts".to_string(), "transactions".to_string()]));
        assert_eq!(read(bank, "assent.toml").unwrap().workspaces["c"].account_scopes, None);
        let e = |text: &str| read(text, "assent.toml").unwrap_err().0;
        let alone = e("[workspace.c]\naccount_scopes = \"accounts\"\n");
        assert!(alone.contains("workspace.c.account_scopes is set but workspace.c.bank_url is not"), "{alone}");
        assert!(alone.contains("BANK_URL's bank has ACCOUNT_SCOPES"), "{alone}");
        let claim = e("[workspace.c]\nbank_id_claim = \"customer_id\"\n");
        assert!(claim.contains("workspace.c.bank_id_claim is set but workspace.c.bank_url is not"), "{claim}");
        for bad in ["\"\"", "\"acc\\\"ounts\""] {
            let e = e(&format!("{bank}account_scopes = {bad}\n"));
            assert!(e.contains("workspace.c.account_scopes"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_staff_role_is_one_role() {
        let file = read("[workspace.a]\nstaff_role = \" a_staff \"\n", "assent.toml").unwrap();
        assert_eq!(file.workspaces["a"].staff_role.as_deref(), Some("a_staff"));
        for bad in ["\"\"", "\"two roles\""] {
            let e = read(&format!("[workspace.a]\nstaff_role = {bad}\n"), "assent.toml").unwrap_err().0;
            assert!(e.contains("workspace.a.staff_role must be one role"), "{e}");
        }
    }

    #[test]
    fn workspace_settings_are_read_and_checked() {
        let text = "[workspace.a]\nstorage = \"assent\"\n[workspace.b]\nstorage = \"none\"\n\
                    [workspace.c]\nstorage = \"identity-pool\"\nidentity_pool = \"c-consents\"\n\
                    bank_url = \"https://bank.example/c/\"\nbank_id_claim = \"customer_id\"\nusers = \" hyperscale \"\n";
        let file = read(text, "assent.toml").unwrap();
        assert_eq!(file.workspaces["a"].storage, Some(WorkspaceStorage::Assent));
        assert_eq!(file.workspaces["b"].storage, Some(WorkspaceStorage::None));
        let c = &file.workspaces["c"];
        assert_eq!(c.storage, Some(WorkspaceStorage::IdentityPool("c-consents".into())));
        assert_eq!(c.bank_url.as_ref().map(Url::as_str), Some("https://bank.example/c"));
        assert_eq!(c.bank_id_claim.as_deref(), Some("customer_id"));
        assert_eq!((c.users.as_deref(), file.workspaces["a"].users.as_deref()), (Some("hyperscale"), None));
        assert!(file.brands.is_empty());

        let e = |text: &str| read(text, "assent.toml").unwrap_err().0;
        let one_line = |m: &str| assert!(!m.trim_end().contains('\n') && m.contains("assent.toml"), "{m}");
        let storage = e("[workspace.c]\nstorage = \"pool\"\n");
        assert!(storage.contains("workspace.c.storage must be assent, identity-pool or none"), "{storage}");
        let no_pool = e("[workspace.c]\nstorage = \"identity-pool\"\n");
        assert!(no_pool.contains("workspace.c.identity_pool is required"), "{no_pool}");
        let stray = e("[workspace.c]\nidentity_pool = \"p\"\n");
        assert!(stray.contains("workspace.c.identity_pool is set but"), "{stray}");
        let pool = e("[workspace.c]\nstorage = \"identity-pool\"\nidentity_pool = \"a/b\"\n");
        assert!(pool.contains("workspace.c.identity_pool"), "{pool}");
        let url = e("[workspace.c]\nbank_url = \"http://bank.example\"\n");
        assert!(url.contains("workspace.c.bank_url must use https://"), "{url}");
        let claim = e("[workspace.c]\nbank_id_claim = \" \"\n");
        assert!(claim.contains("workspace.c.bank_id_claim"), "{claim}");
        let users = e("[workspace.c]\nusers = \"\"\n");
        assert!(users.contains("workspace.c.users"), "{users}");
        let unknown = e("[workspace.c]\nstorage = \"none\"\nbank = \"x\"\n");
        assert!(unknown.contains("bank"), "{unknown}");
        for m in [storage, no_pool, stray, pool, url, claim, users] {
            one_line(&m);
        }
    }

    #[test]
    fn an_empty_file_brands_nothing() {
        assert!(brands("", "assent.toml").unwrap().is_empty());
        assert!(brands("[workspace.demo]\n", "assent.toml").unwrap().is_empty());
    }
}
