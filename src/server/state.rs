//! The state every request shares, and how a running Assent is put together from its
//! configuration (starting the embedded sandbox when no tenant is configured).

use super::assets::{self, Assets};
use super::config::{self, Config, TenantConfig};
use super::csrf::Csrf;
use super::{console, logos, portal_auth, records, sessions, theme, upstream};
use crate::model::{Brand, HomeView};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use leptos::config::LeptosOptions;
use rand::RngCore;
use std::sync::{Arc, OnceLock};
use upstream::Upstream;
use url::Url;

/// Shared, read-only state of a running Assent. No per-user data lives here. Cloned for every
/// request (into the server functions' context): one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Server functions left by their browser that may run on to their end at once.
const DETACHED: u32 = 256;

/// What [`AppState`] holds.
pub struct Shared {
    pub leptos: LeptosOptions,
    pub upstream: Arc<Upstream>,
    pub csrf: Arc<Csrf>,
    pub home: HomeView,
    pub sessions: Arc<sessions::Sessions>,
    /// The records of consents (`CONSENT_STORAGE`).
    pub records: Arc<records::ConsentRecords>,
    /// The portal's sign-in, when a portal client is configured (always with the sandbox).
    pub portal: Option<Arc<portal_auth::PortalAuth>>,
    /// The staff console, when configured (always with the sandbox).
    pub console: Option<Arc<console::Console>>,
    pub brand: Brand,
    pub theme_css: Arc<str>,
    /// The brands of workspaces that have their own (`ASSENT_CONFIG`), with their stylesheets.
    pub workspace_brands: std::collections::HashMap<String, (Brand, Arc<str>)>,
    /// The built site's file names.
    pub assets: Assets,
    /// Whether browsers reach Assent on this machine (its public URL is a loopback address): a
    /// developer's, or the sandbox's. Applications on the same machine are then no surprise.
    pub on_loopback: bool,
    /// `ASSENT_TIME_ZONE`: the zone of every date and time said (each request carries it).
    pub time_zone: chrono_tz::Tz,
    /// The document head's hydration scripts, in the parts between which each page's nonce
    /// goes: written once, by the first page rendered.
    pub head: OnceLock<Vec<String>>,
    /// Server functions run to their end, however the request ends (`crate::routes`).
    pub detached: crate::request::Detached,
    /// Applications' logos, linked and served from Assent's origin.
    pub logos: logos::Logos,
    /// The SHA-256 of `ASSENT_METRICS_TOKEN`, when `/metrics` asks for it.
    metrics_token: Option<[u8; 32]>,
    /// The page CSP before and after its nonce.
    csp: (String, String),
    /// Each workspace's people (`users` in `ASSENT_CONFIG`) where not the tenant's one set, and
    /// the portal's workspace's.
    users: (std::collections::HashMap<String, String>, Option<String>),
    /// The workspaces whose consent screens start with no optional scope ticked
    /// (`preselect = false` in `ASSENT_CONFIG`).
    unticked: std::collections::HashSet<String>,
    /// The day each workspace's bank history begins, where it says (`history_from`).
    history: std::collections::HashMap<String, chrono::NaiveDate>,
}

impl Shared {
    /// The brand a page of `workspace` wears (its own, or the bank's), and the workspace whose
    /// stylesheet it links when it has its own.
    pub fn brand_of<'a>(&'a self, workspace: Option<&'a str>) -> (&'a Brand, Option<&'a str>) {
        match workspace.and_then(|w| self.workspace_brands.get_key_value(w)) {
            Some((id, (brand, _))) => (brand, Some(id.as_str())),
            None => (&self.brand, None),
        }
    }

    /// Whether a consent record of `workspace` may be the portal's customer's: a subject names
    /// one person only among workspaces whose people are the same (`users`).
    pub fn portal_sees(&self, workspace: &str) -> bool {
        let (of, portal) = &self.users;
        of.get(workspace) == portal.as_ref()
    }

    /// An application as a consent screen shows it: its logo linked from Assent's origin, and
    /// no link to the user's own device unless Assent is on it too.
    pub fn show_client(&self, client: &mut crate::model::ClientView) {
        self.logos.show(client);
        super::present::drop_local_links(client, self.on_loopback);
    }

    /// Whether `workspace`'s consent screen starts with the optional scopes ticked.
    pub fn preselects(&self, workspace: &str) -> bool {
        !self.unticked.contains(workspace)
    }

    /// The day `workspace`'s bank history begins, where its configuration says.
    pub fn history_from(&self, workspace: &str) -> Option<chrono::NaiveDate> {
        self.history.get(workspace).copied()
    }

    /// The name of the bank behind `workspace`, for the staff console's lists of records from
    /// several banks: its brand's name, or the workspace id when it has none.
    pub fn bank_name(&self, workspace: &str) -> String {
        match self.workspace_brands.get(workspace) {
            Some((brand, _)) => brand.name.clone(),
            None => workspace.to_string(),
        }
    }

    /// Whether a request with this `Authorization` header may read `/metrics`: any, when no
    /// `ASSENT_METRICS_TOKEN` is set; else only one bearing it (compared in constant time).
    pub fn may_read_metrics(&self, authorization: Option<&str>) -> bool {
        use sha2::Digest as _;
        use subtle::ConstantTimeEq as _;
        let Some(expected) = &self.metrics_token else { return true };
        let given =
            authorization.and_then(|a| a.split_once(' ')).filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"));
        let Some((_, given)) = given else { return false };
        let given: [u8; 32] = sha2::Sha256::digest(given.trim().as_bytes()).into();
        given.ct_eq(expected).into()
    }

    /// The stylesheet of `workspace`'s brand, or the bank's.
    pub fn theme_css_of(&self, workspace: Option<&str>) -> &str {
        match workspace.and_then(|w| self.workspace_brands.get(w)) {
            Some((_, css)) => css,
            None => &self.theme_css,
        }
    }

    /// The page CSP for one response's nonce.
    pub fn csp(&self, nonce: &str) -> String {
        let (before, after) = &self.csp;
        let mut csp = String::with_capacity(before.len() + nonce.len() + after.len());
        csp.push_str(before);
        csp.push_str(nonce);
        csp.push_str(after);
        csp
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Sandbox(#[from] sandbox::SandboxError),
    #[error("upstream client: {0}")]
    Client(#[from] upstream::ClientBuildError),
    #[error("portal session store: {0}")]
    Store(#[from] sessions::StoreError),
    #[error("portal client: {0}")]
    Portal(#[from] portal_auth::PortalAuthError),
    #[error("{0}")]
    Other(String),
}

/// Builds Assent's state for `public_url` (where browsers reach it), starting the embedded
/// sandbox when no tenant is configured.
pub async fn build(
    config: Config,
    mut leptos: LeptosOptions,
    public_url: Url,
) -> Result<(AppState, Option<SandboxHandle>), StartError> {
    // Leptos renders on the tokio runtime; a second call (tests start several apps) is a no-op.
    let _ = any_spawner::Executor::init_tokio();
    let origin = public_url.origin().ascii_serialization();
    let (tenant, sandbox) = match config.tenant.clone() {
        Some(t) => (t, None),
        None => {
            let handle = sandbox::spawn(SandboxConfig {
                addr: config.sandbox_addr,
                data_dir: config.data_dir.clone(),
                consent_url: format!("{origin}/consent"),
                mtls_addr: config.sandbox_mtls_addr,
                limits: config.limits,
                client_ca: config.sandbox_client_ca.clone(),
            })
            .await?;
            let issuer = Url::parse(&format!("{}/{}/demo", handle.base_url, sandbox::TENANT))
                .map_err(|e| StartError::Other(e.to_string()))?;
            let tenant = TenantConfig {
                issuer,
                tenant_id: sandbox::TENANT.into(),
                client_id: handle.consent_client_id.clone(),
                client_secret: config::Secret::new(handle.consent_client_secret.clone()),
                root_ca: None,
                client_cert: None,
                routing: Default::default(),
                system_scopes: None,
            };
            (tenant, Some(handle))
        }
    };
    let key = match &config.session_key {
        Some(k) => k.expose().as_bytes().to_vec(),
        None => {
            tracing::info!("ASSENT_SESSION_KEY is not set: generated a key for this process (replicas must share one)");
            let mut k = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut k);
            k
        }
    };
    let mut upstream = Upstream::new(&tenant, Arc::default())?;
    let bank = match (&config.bank, &sandbox) {
        (Some(b), _) => Some(b.clone()),
        (None, Some(handle)) => Url::parse(&format!("{}/bank", handle.base_url)).ok().map(|url| config::BankConfig {
            url,
            // The sandbox's customer numbers (`BANK_ID_CLAIM=customer_id`, as a bank configures it).
            id_claim: Some("customer_id".into()),
            // The sandbox's FDX workspace, `default/fdx`.
            workspace: Some("fdx".into()),
            account_scopes: config::default_account_scopes(),
        }),
        (None, None) => None,
    };
    if let Some(bank) = bank {
        let workspace = bank.workspace.clone().unwrap_or_else(|| tenant.workspace());
        upstream = upstream.with_fdx(upstream::Fdx {
            bank_url: bank.url.clone(),
            workspace,
            id_claim: bank.id_claim.clone(),
            account_scopes: bank.account_scopes.clone(),
        });
    }
    // The banks' client: as configured; in the sandbox, the mock bank's reader.
    let bank_client = config.bank_client.clone().or_else(|| {
        let handle = sandbox.as_ref()?;
        Some(config::BankClient {
            token_url: Url::parse(&format!("{}/{}/system/oauth2/token", handle.base_url, sandbox::TENANT)).ok()?,
            client_id: crate::sandbox::bank::internal::BANK_READER.into(),
            client_secret: config::Secret::new(handle.bank_client_secret.clone()),
            scopes: crate::sandbox::bank::internal::INTERNAL_SCOPE.into(),
        })
    });
    if let Some(client) = bank_client {
        upstream = upstream.with_bank_client(client);
    }
    // Workspaces with a bank of their own: as configured, and in the sandbox each bank with a
    // ledger of its own (Hyperscale Bank's internal accounts API).
    let mut banks: Vec<(String, upstream::WorkspaceBank)> = Vec::new();
    if let Some(handle) = &sandbox {
        for (wid, _) in handle.sandbox.workspaces().filter(|(_, w)| w.ledger.is_some()) {
            if let Ok(url) = Url::parse(&format!("{}/bank/{wid}", handle.base_url)) {
                let id_claim = Some("customer_id".into());
                banks.push((wid.to_string(), upstream::WorkspaceBank { url, id_claim, account_scopes: None }));
            }
        }
    }
    for (wid, settings) in &config.workspaces {
        if let Some(url) = &settings.bank_url {
            banks.retain(|(w, _)| w != wid);
            let (id_claim, account_scopes) = (settings.bank_id_claim.clone(), settings.account_scopes.clone());
            banks.push((wid.clone(), upstream::WorkspaceBank { url: url.clone(), id_claim, account_scopes }));
        }
    }
    for (wid, bank) in banks {
        upstream = upstream.with_workspace_bank(&wid, bank);
    }
    // The UK workspace (`regime = "obuk"`; with the sandbox and a file that names none, the
    // sandbox's): the portal lists and stops its consents.
    let named = |regime| config.workspaces.iter().find(|(_, w)| w.regime == Some(regime)).map(|(w, _)| w.clone());
    let sandbox_uk = sandbox.as_ref().and_then(|handle| {
        let uk = handle.sandbox.workspaces().find(|(_, w)| w.profile == crate::sandbox::ProfileKind::Obuk);
        uk.map(|(wid, _)| wid.to_string())
    });
    if let Some(wid) = named(config::Regime::Obuk).or(sandbox_uk) {
        upstream = upstream.with_obuk(&wid);
    }
    // The CDR workspace (`regime = "cdr"`, or the sandbox's): the portal lists and stops its
    // arrangements, and ending a record there revokes its arrangement.
    let sandbox_au = sandbox.as_ref().and_then(|handle| {
        let au = handle.sandbox.workspaces().find(|(_, w)| w.profile == crate::sandbox::ProfileKind::Cdr);
        au.map(|(wid, _)| wid.to_string())
    });
    if let Some(wid) = named(config::Regime::Cdr).or(sandbox_au) {
        upstream = upstream.with_cdr(&wid);
    }
    let storage_of = |wid: &str| config.workspaces.get(wid).and_then(|w| w.storage.clone());
    let stores: Vec<config::WorkspaceStorage> = config.workspaces.keys().filter_map(|w| storage_of(w)).collect();
    let kept_here = config.consent_storage == config::ConsentStorage::Assent
        || stores.iter().any(|s| !matches!(s, config::WorkspaceStorage::None));
    if kept_here {
        // Assent revokes a consent's tokens when its record ends (with an external store, that
        // store does).
        upstream = upstream.with_consent_revocation();
    }
    if stores.iter().any(|s| matches!(s, config::WorkspaceStorage::IdentityPool(_))) {
        upstream = upstream.with_identity_pools();
    }
    tracing::info!(client = %tenant.client_id, scopes = %upstream.system_scopes(), "the System client");
    for scope in upstream.scopes_left_out() {
        tracing::warn!(scope, "SYSTEM_SCOPES leaves out a scope of what Assent serves: those calls will be refused");
    }
    let upstream = Arc::new(upstream);
    crate::sqlite::private_dir(&config.data_dir).map_err(|e| {
        StartError::Other(format!(
            "cannot use the data directory {} (ASSENT_DATA_DIR; Assent creates it, or makes it private to its \
                 own user, 0700): {e}",
            config.data_dir.display()
        ))
    })?;
    let sessions = match &config.session_store {
        config::SessionStoreConfig::Sqlite => {
            sessions::Sessions::sqlite(&config.data_dir.join("assent.sqlite3"), &key, config.session_store_timeout)?
        }
        config::SessionStoreConfig::Redis { url, root_ca } => {
            let root_ca = match root_ca {
                Some(path) => Some(
                    std::fs::read(path)
                        .map_err(|e| StartError::Other(format!("ROOT_CA cannot be read ({e}): {}", path.display())))?,
                ),
                None => None,
            };
            sessions::Sessions::redis(url.expose(), root_ca, &key, config.session_store_timeout)?
        }
    };
    tracing::info!(store = sessions.kind(), "portal sessions");
    let mut records = match config.consent_storage {
        config::ConsentStorage::None => records::ConsentRecords::none(),
        config::ConsentStorage::External => match &config.external_storage {
            Some(url) => records::ConsentRecords::external(url.clone(), upstream.http().clone()),
            None => {
                return Err(StartError::Other("CONSENT_STORAGE=external needs EXTERNAL_CONSENT_STORAGE_URL".into()))
            }
        },
        config::ConsentStorage::Assent => own_records(&config).await?,
    };
    // Workspaces that keep their records elsewhere than the environment says.
    for wid in config.workspaces.keys() {
        records = match storage_of(wid) {
            None => records,
            Some(config::WorkspaceStorage::None) => records.with_none_for(wid),
            Some(config::WorkspaceStorage::Assent) if !records.keeps_own() => {
                records.with_own(own_records(&config).await?).with_own_for(wid)
            }
            Some(config::WorkspaceStorage::Assent) => records.with_own_for(wid),
            Some(config::WorkspaceStorage::IdentityPool(pool)) => records.with_pool_for(wid, &pool, upstream.clone()),
        };
    }
    tracing::info!(store = records.kind(), pools = ?records.pools(), "consent records");
    let records = Arc::new(records);
    if let Some(handle) = &sandbox {
        // The sandbox's bank reads what a consent covers from these records, as a bank reads
        // its consent store.
        handle.sandbox.set_consent_store(Arc::new(BankReads(records.clone())));
    }
    let portal_client = config.portal.clone().or_else(|| {
        sandbox.as_ref().map(|_| config::PortalClient { client_id: "assent-portal".into(), client_secret: None })
    });
    let portal = portal_client
        .map(|c| {
            let redirect = format!("{origin}/portal/callback");
            portal_auth::PortalAuth::new(&c, &tenant.issuer, redirect, portal_auth::PORTAL_SCOPES)
        })
        .transpose()?
        .map(Arc::new);
    // The console's staff sign in at the staff workspace: the configured one, or the sandbox's.
    let console = match &config.console {
        Some(c) => match c
            .issuer
            .clone()
            .or_else(|| sandbox.as_ref().and_then(|s| s.sandbox.issuer("bank-admins").parse().ok()))
        {
            Some(issuer) => {
                let roles = config.workspaces.iter().filter_map(|(w, s)| Some((w.clone(), s.staff_role.clone()?)));
                Some(Arc::new(console::Console::new(c, roles.collect(), &issuer, &origin)?))
            }
            None => {
                tracing::warn!("the staff console is off: STAFF_ISSUER_URL is not set");
                None
            }
        },
        None => None,
    };
    let console_on = console.is_some();
    // Images come from Assent's origin (applications' logos through `/logo`), and from where
    // the operator put a brand's logo.
    let mut img = "img-src 'self' data:".to_string();
    let brand_logos =
        std::iter::once(&config.theme).chain(config.workspace_themes.values()).filter_map(|t| t.logo.as_ref());
    let mut origins: Vec<String> =
        brand_logos.filter_map(|l| Url::parse(l).ok()).map(|u| u.origin().ascii_serialization()).collect();
    origins.sort();
    origins.dedup();
    for origin in origins {
        img.push(' ');
        img.push_str(&origin);
    }
    let logos = logos::Logos::new(&key, config::is_loopback(&tenant.issuer))
        .map_err(|e| StartError::Other(format!("logo client: {e}")))?;
    let mut connect = "connect-src 'self'".to_string();
    if config.live_reload {
        // `cargo leptos watch` reloads the page over a websocket.
        let port = leptos.reload_port;
        connect.push_str(&format!(" ws://{}:{port} ws://localhost:{port}", leptos.site_addr.ip()));
    }
    let theme_css = theme::stylesheet(&config.theme).into();
    let brand = Brand { name: config.theme.name.clone(), logo: config.theme.logo.clone() };
    let workspace_brands = config
        .workspace_themes
        .iter()
        .map(|(id, t)| {
            (id.clone(), (Brand { name: t.name.clone(), logo: t.logo.clone() }, theme::stylesheet(t).into()))
        })
        .collect();
    // The portal signs its customers in at the issuer's workspace.
    let issuer_workspace = tenant.workspace();
    let users: std::collections::HashMap<String, String> =
        config.workspaces.iter().filter_map(|(w, s)| Some((w.clone(), s.users.clone()?))).collect();
    let portal_users = users.get(&issuer_workspace).cloned();
    let assets = assets::locate(&mut leptos);
    let state = AppState(Arc::new(Shared {
        leptos,
        brand,
        theme_css,
        workspace_brands,
        upstream,
        csrf: Arc::new(Csrf::new(&key, origin)),
        sessions: Arc::new(sessions),
        records,
        portal,
        console,
        home: HomeView {
            demo_url: sandbox.as_ref().map(|s| format!("{}/demo", s.base_url)),
            fdx_demo_url: sandbox.as_ref().map(|s| format!("{}/fdx-demo", s.base_url)),
            aggregator_url: sandbox.as_ref().map(|s| format!("{}/aggregator", s.base_url)),
            issuer: tenant.issuer.to_string(),
            console: console_on,
        },
        assets,
        on_loopback: config::is_loopback(&public_url),
        time_zone: config.time_zone,
        users: (users, portal_users),
        unticked: config
            .workspaces
            .iter()
            .filter(|(_, s)| s.preselect == Some(false))
            .map(|(w, _)| w.clone())
            .collect(),
        history: config.workspaces.iter().filter_map(|(w, s)| Some((w.clone(), s.history_from?))).collect(),
        head: OnceLock::new(),
        detached: crate::request::Detached::new(DETACHED),
        logos,
        metrics_token: config.metrics_token.as_ref().map(|t| {
            use sha2::Digest as _;
            sha2::Sha256::digest(t.expose().trim().as_bytes()).into()
        }),
        csp: (
            "default-src 'self'; script-src 'self' 'nonce-".into(),
            format!(
                "' 'wasm-unsafe-eval'; style-src 'self'; {img}; {connect}; object-src 'none'; base-uri 'none'; \
                 frame-ancestors 'none'"
            ),
        ),
    }));
    Ok((state, sandbox))
}

/// Assent's own store of consent records: PostgreSQL with `ASSENT_DATABASE_URL`, else SQLite
/// in the data directory.
async fn own_records(config: &Config) -> Result<records::ConsentRecords, StartError> {
    let Some(db) = &config.database else {
        return records::ConsentRecords::sqlite(&config.data_dir.join("records.sqlite3"))
            .map_err(|e| StartError::Other(format!("consent records: {e}")));
    };
    let root_ca = match &db.root_ca {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| StartError::Other(format!("ROOT_CA cannot be read ({e}): {}", path.display())))?,
        ),
        None => None,
    };
    records::ConsentRecords::postgres(db.url.expose(), root_ca.as_deref())
        .await
        .map_err(|e| StartError::Other(format!("consent records (ASSENT_DATABASE_URL): {e}")))
}

/// The sandbox bank's view of the consent records: the accounts of an authorized one.
struct BankReads(Arc<records::ConsentRecords>);

impl sandbox::consent_bank::ConsentStore for BankReads {
    fn authorized_accounts(
        &self,
        id: String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Vec<String>>> + Send + '_>> {
        Box::pin(async move {
            let record = self.0.get(&id).await.ok()??;
            record.is_active().then_some(record.draft.accounts)
        })
    }
}
