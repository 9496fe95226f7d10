//! The configuration's tests: what each variable accepts and refuses.

mod env {
    use super::super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_set_means_sandbox() {
        let c = config(&[]).unwrap();
        assert!(c.tenant.is_none());
        assert_eq!(c.sandbox_addr.to_string(), "127.0.0.1:3030");
        assert_eq!(c.data_dir, PathBuf::from("./data"));
    }

    #[test]
    fn a_metrics_token_is_long_enough_and_never_shown() {
        assert!(config(&[]).unwrap().metrics_token.is_none());
        let short = config(&[("ASSENT_METRICS_TOKEN", "short")]).unwrap_err();
        assert!(short.to_string().contains("at least 16 characters"), "{short}");
        let c = config(&[("ASSENT_METRICS_TOKEN", "sixteen-or-more-chars")]).unwrap();
        assert_eq!(c.metrics_token.as_ref().map(Secret::expose), Some("sixteen-or-more-chars"));
        assert_eq!(format!("{:?}", c.metrics_token), "Some([redacted])");
    }

    /// Every variable the configuration reads is documented, in the README's table and in
    /// `.env.example`: the names asked for by a sandbox start and by a real tenant's with its
    /// optional parts on.
    #[test]
    fn every_variable_read_is_documented() {
        let asked = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let tenant: HashMap<&str, &str> = [
            ("AUTHORIZATION_SERVER_URL", "https://acme.us.authz.example.com/acme/bank"),
            ("CLIENT_ID", "id"),
            ("CLIENT_SECRET", "s3cret"),
            ("BANK_URL", "https://bank.example/api"),
            ("CONSENT_STORAGE", "external"),
            ("EXTERNAL_CONSENT_STORAGE_URL", "https://records.example"),
            ("PORTAL_CLIENT_ID", "portal"),
            ("STAFF_ISSUER_URL", "https://acme.us.authz.example.com/acme/staff"),
            ("STAFF_CLIENT_ID", "console"),
        ]
        .into();
        for vars in [HashMap::new(), tenant] {
            let read = Config::from_lookup(|k| {
                asked.lock().unwrap().insert(k.to_string());
                vars.get(k).map(|v| v.to_string())
            });
            assert!(read.is_ok(), "{:?}", read.err());
        }
        let asked = asked.into_inner().unwrap();
        assert!(asked.len() > 40, "{asked:?}");
        let (readme, example) = (include_str!("../../../README.md"), include_str!("../../../.env.example"));
        // A row of the README's table (`| `NAME`, …`), and a line of its own in .env.example.
        let in_table = |k: &str| readme.lines().any(|l| l.starts_with("| `") && l.contains(&format!("`{k}`")));
        let in_example = |k: &str| {
            example.lines().map(|l| l.trim_start_matches('#').trim_start()).any(|l| l.starts_with(&format!("{k}=")))
        };
        let undocumented: Vec<&String> = asked.iter().filter(|k| !in_table(k) || !in_example(k)).collect();
        assert!(undocumented.is_empty(), "read but not in the README's table or .env.example: {undocumented:?}");
    }

    /// What an operator gets wrong is refused at start, with the variable named, and a password
    /// in a URL is never repeated in the message.
    #[test]
    fn mistakes_are_refused_at_start_and_passwords_in_urls_never_shown() {
        let tenant = |url: &str| {
            config(&[("AUTHORIZATION_SERVER_URL", url), ("CLIENT_ID", "id"), ("CLIENT_SECRET", "s")]).unwrap_err().0
        };
        for url in [
            "https://user:PassW0rd@h.example/a/b",
            "http://user:PassW0rd@h.example/a/b",
            "ht!tp://u:PassW0rd@h",
            "https:/u:PassW0rd@h.example/a/b",
            "https:u:PassW0rd@h.example/a/b",
            "https:///u:PassW0rd@h.example/a/b",
            "u:PassW0rd@h.example",
        ] {
            let e = tenant(url);
            assert!(e.contains("AUTHORIZATION_SERVER_URL") && !e.contains("PassW0rd"), "{e}");
        }
        let e = config(&[("BANK_URL", "https://reader:PassW0rd@bank.example/api")]).unwrap_err().0;
        assert!(e.contains("BANK_URL") && !e.contains("PassW0rd") && e.contains("***@bank.example"), "{e}");
        // An `@` in a path or a query is not user info: shown as it is.
        let e = config(&[("BANK_URL", "http://bank.example/a@b?c=d@e")]).unwrap_err().0;
        assert!(e.contains("http://bank.example/a@b?c=d@e"), "{e}");

        // The public URL is an origin: forms are checked against it, redirect URIs made of it.
        for wrong in ["consent.bank.example:443", "ftp://consent.bank.example", "https://consent.bank.example/assent"] {
            let e = config(&[("ASSENT_PUBLIC_URL", wrong)]).unwrap_err().0;
            assert!(e.contains("ASSENT_PUBLIC_URL must be the origin"), "{wrong}: {e}");
        }
        let tenant =
            [("AUTHORIZATION_SERVER_URL", "https://t.example/t/w"), ("CLIENT_ID", "c"), ("CLIENT_SECRET", "s")];
        let with_tenant = |url: &'static str| config(&[tenant.as_slice(), &[("ASSENT_PUBLIC_URL", url)]].concat());
        for right in ["https://consent.bank.example", "http://127.0.0.1:3000/", "http://localhost:3000"] {
            assert!(with_tenant(right).unwrap().public_url.is_some(), "{right}");
        }
        // Plain http beyond this machine would carry the cookies in clear.
        let e = with_tenant("http://consent.bank.example").unwrap_err().0;
        assert!(e.contains("ASSENT_PUBLIC_URL must be https"), "{e}");
        // The sandbox (no tenant) serves this machine only.
        assert!(config(&[("ASSENT_PUBLIC_URL", "http://127.0.0.1:3000")]).is_ok());
        let e = config(&[("ASSENT_PUBLIC_URL", "https://consent.bank.example")]).unwrap_err().0;
        assert!(e.contains("AUTHORIZATION_SERVER_URL is not set"), "{e}");
        let e = config(&[("SANDBOX_ADDR", "0.0.0.0:3030")]).unwrap_err().0;
        assert!(e.contains("SANDBOX_ADDR must be on this machine"), "{e}");
        let e = config(&[("SANDBOX_MTLS_ADDR", "0.0.0.0:3443")]).unwrap_err().0;
        assert!(e.contains("SANDBOX_MTLS_ADDR must be on this machine"), "{e}");
        assert!(config(&[("SANDBOX_MTLS_ADDR", "127.0.0.1:3443")]).is_ok());
        assert!(config(&[tenant.as_slice(), &[("SANDBOX_ADDR", "0.0.0.0:3030")]].concat()).is_ok());

        // A CA file must hold a certificate: not nothing, not a key given by mistake.
        let dir = tempfile::tempdir().unwrap();
        let (empty, key, ca) = (dir.path().join("empty.pem"), dir.path().join("key.pem"), dir.path().join("ca.pem"));
        let cert = rcgen::generate_simple_self_signed(vec!["ca.example".into()]).unwrap();
        std::fs::write(&empty, "").unwrap();
        std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
        std::fs::write(&ca, cert.cert.pem()).unwrap();
        let with_ca = |path: &std::path::Path| {
            let path = path.to_string_lossy().to_string();
            config(&[
                ("AUTHORIZATION_SERVER_URL", "https://h.example/a/b"),
                ("CLIENT_ID", "id"),
                ("CLIENT_SECRET", "s"),
                ("ROOT_CA", &path),
            ])
        };
        for wrong in [&empty, &key] {
            let e = with_ca(wrong).unwrap_err().0;
            assert!(e.contains("ROOT_CA holds no PEM certificate"), "{e}");
        }
        assert!(with_ca(&ca).unwrap().tenant.unwrap().root_ca.is_some());

        // The logs: a format that is one, a filter that parses.
        assert!(config(&[("ASSENT_LOG_FORMAT", "yaml")]).unwrap_err().0.contains("ASSENT_LOG_FORMAT"));
        assert!(config(&[("ASSENT_LOG_FORMAT", "Text")]).unwrap().text_logs);
        assert!(config(&[("RUST_LOG", "info,[[[")]).unwrap_err().0.contains("RUST_LOG"));
        assert_eq!(config(&[("RUST_LOG", "assent=debug,warn")]).unwrap().log_filter, "assent=debug,warn");
        // The time zone: UTC unless named, and a name that is one.
        assert_eq!(config(&[]).unwrap().time_zone, chrono_tz::UTC);
        assert_eq!(
            config(&[("ASSENT_TIME_ZONE", " Australia/Sydney ")]).unwrap().time_zone,
            chrono_tz::Australia::Sydney
        );
        let e = config(&[("ASSENT_TIME_ZONE", "AEST+10")]).unwrap_err().0;
        assert!(e.contains("ASSENT_TIME_ZONE is not a time zone name") && e.contains("AEST+10"), "{e}");
        // Words are read as the README writes them, whatever their case.
        assert!(config(&[("CONSENT_STORAGE", "None")]).is_ok());
    }

    #[test]
    fn a_misspelt_setting_is_told_apart() {
        let names = ["ASSENT_SESSION_STOR", "ASSENT_SESSION_KEY", "ASSENT_DATA_DIR", "HOME", "PORTAL_CLIENTID"];
        let names =
            names.map(String::from).into_iter().chain(["PORTAL_CLIENT_ID", "BANK_URL", "BANKING"].map(String::from));
        let unread = Config::noting_unread(names, |_| None).unwrap().1;
        assert_eq!(unread, ["ASSENT_SESSION_STOR", "PORTAL_CLIENTID"]);
    }

    #[test]
    fn a_real_tenant_needs_https_and_credentials() {
        let ok = config(&[
            ("AUTHORIZATION_SERVER_URL", "https://acme.us.authz.example.com/acme/bank"),
            ("CLIENT_ID", "id"),
            ("CLIENT_SECRET", "s3cret"),
        ])
        .unwrap();
        let t = ok.tenant.unwrap();
        assert_eq!(t.tenant_id, "acme");
        assert_eq!(format!("{:?}", t.client_secret), "[redacted]");

        let http = config(&[
            ("AUTHORIZATION_SERVER_URL", "http://example.com/a/b"),
            ("CLIENT_ID", "i"),
            ("CLIENT_SECRET", "s"),
        ]);
        assert!(http.unwrap_err().0.contains("https://"));
        let loopback = config(&[
            ("AUTHORIZATION_SERVER_URL", "http://127.0.0.1:8443/a/b"),
            ("CLIENT_ID", "i"),
            ("CLIENT_SECRET", "s"),
        ]);
        assert!(loopback.is_ok());
        let no_secret = config(&[("AUTHORIZATION_SERVER_URL", "https://h/a/b"), ("CLIENT_ID", "i")]);
        assert!(no_secret.unwrap_err().0.contains("CLIENT_SECRET"));
        let no_workspace =
            config(&[("AUTHORIZATION_SERVER_URL", "https://h/a"), ("CLIENT_ID", "i"), ("CLIENT_SECRET", "s")]);
        assert!(no_workspace.unwrap_err().0.contains("{workspace}"));
        let half_tls = config(&[
            ("AUTHORIZATION_SERVER_URL", "https://h/a/b"),
            ("CLIENT_ID", "i"),
            ("CLIENT_SECRET", "s"),
            ("CERT_FILE", "Cargo.toml"),
        ]);
        assert!(half_tls.unwrap_err().0.contains("KEY_FILE"));
    }

    #[test]
    fn beside_a_real_tenant_every_url_assent_calls_is_https() {
        let tenant = |at: &'static str| [("AUTHORIZATION_SERVER_URL", at), ("CLIENT_ID", "i"), ("CLIENT_SECRET", "s")];
        let with = |at: &'static str, more: &[(&'static str, &'static str)]| {
            let mut vars = tenant(at).to_vec();
            vars.extend_from_slice(more);
            config(&vars)
        };
        let https = "https://acme.us.authz.example.com/acme/bank";
        for (name, plain) in [
            ("BANK_URL", "http://127.0.0.1:9000/api"),
            ("EXTERNAL_CONSENT_STORAGE_URL", "http://localhost:9001"),
            ("SYSTEM_ISSUER_URL", "http://127.0.0.1:8443/acme/system"),
        ] {
            let mut more = vec![(name, plain)];
            if name == "EXTERNAL_CONSENT_STORAGE_URL" {
                more.push(("CONSENT_STORAGE", "external"));
            }
            let e = with(https, &more).unwrap_err().0;
            assert!(e.starts_with(&format!("{name} must use https://")), "{e}");
            // A tenant on this machine may have its parts on this machine over http.
            assert!(with("http://127.0.0.1:8443/acme/bank", &more).is_ok(), "{name}");
        }
        assert!(with(https, &[("BANK_URL", "https://bank.example/api")]).is_ok());
    }

    #[test]
    fn the_banks_client_is_its_own_and_complete() {
        let tenant = [
            ("AUTHORIZATION_SERVER_URL", "https://h/a/b"),
            ("CLIENT_ID", "i"),
            ("CLIENT_SECRET", "s"),
            ("BANK_URL", "https://bank.example/api"),
        ];
        assert_eq!(config(&tenant).unwrap().bank_client, None, "no client: the bank gets no token");
        let with = |more: &[(&'static str, &'static str)]| config(&[&tenant[..], more].concat());
        let c = with(&[
            ("BANK_CLIENT_ID", "reader"),
            ("BANK_CLIENT_SECRET", "r3ad"),
            ("BANK_CLIENT_TOKEN_URL", "https://bank.example/oauth/token"),
            ("BANK_CLIENT_SCOPES", "accounts:read,customers"),
        ])
        .unwrap()
        .bank_client
        .unwrap();
        assert_eq!((c.client_id.as_str(), c.scopes.as_str()), ("reader", "accounts:read customers"));
        assert_eq!(format!("{:?}", c.client_secret), "[redacted]");
        let half = with(&[("BANK_CLIENT_ID", "reader"), ("BANK_CLIENT_SECRET", "r3ad")]);
        assert!(half.unwrap_err().0.contains("BANK_CLIENT_TOKEN_URL"));
        let plain = with(&[
            ("BANK_CLIENT_ID", "reader"),
            ("BANK_CLIENT_SECRET", "r3ad"),
            ("BANK_CLIENT_TOKEN_URL", "http://bank.example/token"),
        ]);
        assert!(plain.unwrap_err().0.contains("https://"));
    }

    #[test]
    fn consent_records_go_to_one_store_each_checked() {
        assert_eq!(config(&[]).unwrap().consent_storage, ConsentStorage::Assent);
        let pg = config(&[("ASSENT_DATABASE_URL", "postgres://a:b@db.internal/assent")]).unwrap();
        assert!(pg.database.is_some());
        assert!(config(&[("ASSENT_DATABASE_URL", "mysql://db/x")]).unwrap_err().0.contains("postgres://"));
        let none = config(&[("CONSENT_STORAGE", "none"), ("ASSENT_DATABASE_URL", "postgres://db/x")]);
        assert!(none.unwrap_err().0.contains("keeps no records of its own"));
        let external = config(&[("CONSENT_STORAGE", "external")]);
        assert!(external.unwrap_err().0.contains("EXTERNAL_CONSENT_STORAGE_URL"));
        let plain =
            config(&[("CONSENT_STORAGE", "external"), ("EXTERNAL_CONSENT_STORAGE_URL", "http://store.example")]);
        assert!(plain.unwrap_err().0.contains("https://"), "http only on loopback");
        let ok = config(&[("CONSENT_STORAGE", "external"), ("EXTERNAL_CONSENT_STORAGE_URL", "https://store.example/")]);
        assert_eq!(ok.unwrap().external_storage.unwrap().as_str(), "https://store.example/");
        assert!(config(&[("EXTERNAL_CONSENT_STORAGE_URL", "https://s.example")]).is_err(), "without external");
        assert!(config(&[("CONSENT_STORAGE", "elsewhere")]).is_err());
        let staff = config(&[("STAFF_ISSUER_URL", "https://h/t/staff")]);
        assert!(staff.unwrap_err().0.contains("STAFF_CLIENT_ID"));
        assert!(config(&[]).unwrap().console.is_some(), "the sandbox's console");
    }

    #[test]
    fn stray_credentials_without_a_tenant_are_an_error() {
        assert!(config(&[("CLIENT_SECRET", "s")]).unwrap_err().0.contains("AUTHORIZATION_SERVER_URL"));
        assert!(config(&[("SANDBOX_ADDR", "nope")]).is_err());
        assert!(config(&[("ASSENT_SESSION_KEY", "short")]).is_err());
    }

    #[test]
    fn the_session_store_is_sqlite_or_a_verified_redis() {
        let key = ("ASSENT_SESSION_KEY", "0123456789abcdef0123456789abcdef");
        assert_eq!(config(&[]).unwrap().session_store, SessionStoreConfig::Sqlite);
        assert_eq!(config(&[("ASSENT_SESSION_STORE", "SQLite")]).unwrap().session_store, SessionStoreConfig::Sqlite);
        let local = config(&[("ASSENT_SESSION_STORE", "redis://:pw@127.0.0.1:6390/2"), key]).unwrap();
        assert!(
            matches!(local.session_store, SessionStoreConfig::Redis { ref url, root_ca: None } if url.expose().ends_with("/2"))
        );
        assert!(!format!("{local:?}").contains("pw@"), "the password never prints");
        assert!(config(&[("ASSENT_SESSION_STORE", "rediss://user:pw@redis.internal:6380/0"), key]).is_ok());
        for (value, says) in [
            ("redis://redis.internal:6379", "rediss://"),
            ("rediss://redis.internal:6380/#insecure", "fragment"),
            ("memcached://127.0.0.1", "sqlite"),
            ("nonsense", "sqlite"),
        ] {
            let e = config(&[("ASSENT_SESSION_STORE", value), key]).unwrap_err();
            assert!(e.0.contains(says), "{value}: {e}");
        }
        let keyless = config(&[("ASSENT_SESSION_STORE", "redis://127.0.0.1:6379")]).unwrap_err();
        assert!(keyless.0.contains("ASSENT_SESSION_KEY"));
        assert!(config(&[("ASSENT_SESSION_STORE_TIMEOUT_MS", "0")]).is_err());
        assert_eq!(
            config(&[("ASSENT_SESSION_STORE_TIMEOUT_MS", "250")]).unwrap().session_store_timeout.as_millis(),
            250
        );
    }
}

mod theme {
    use super::super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn brand_comes_from_the_environment_and_is_checked() {
        let c = config(&[
            ("ASSENT_BRAND_NAME", "Midwest Bank"),
            ("ASSENT_BRAND_LOGO", "/logo.svg"),
            ("ASSENT_BRAND_COLOR", "#0B5FFF"),
        ])
        .unwrap();
        assert_eq!(c.theme.name, "Midwest Bank");
        assert_eq!(c.theme.logo.as_deref(), Some("/logo.svg"));
        assert_eq!(c.theme.color, Some(Rgb([0x0b, 0x5f, 0xff])));
        assert_eq!(config(&[]).unwrap().theme, Theme::default());
        assert!(config(&[("ASSENT_BRAND_COLOR", "blue")]).is_err());
        assert!(config(&[("ASSENT_BRAND_COLOR", "#12345")]).is_err());
        assert!(config(&[("ASSENT_BRAND_LOGO", "http://evil.example/x.png")]).is_err());
        assert!(config(&[("ASSENT_BRAND_LOGO", "//evil.example/x.png")]).is_err());
        assert!(config(&[("ASSENT_BRAND_LOGO", "https://cdn.bank.example/logo.svg")]).is_ok());
        assert!((Rgb([0, 0, 0]).contrast(Rgb([255, 255, 255])) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn workspace_brands_come_from_assent_config_or_the_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("assent.toml");
        std::fs::write(&file, "[workspace.acme-retail.brand]\nname = \"Acme Retail\"\ncolor = \"#225588\"\n").unwrap();
        let path = file.to_str().unwrap();
        let c = config(&[("ASSENT_CONFIG", path)]).unwrap();
        assert_eq!(c.workspace_themes["acme-retail"].name, "Acme Retail");
        assert_eq!(c.workspace_themes.len(), 1, "a file replaces the sandbox's brands");
        // Without a file: the sandbox's banks with the sandbox, none with a tenant.
        assert!(config(&[]).unwrap().workspace_themes.contains_key("gobank"));
        let tenant = [
            ("AUTHORIZATION_SERVER_URL", "https://acme.us.authz.example.com/acme/bank"),
            ("CLIENT_ID", "id"),
            ("CLIENT_SECRET", "s3cret"),
        ];
        assert!(config(&tenant).unwrap().workspace_themes.is_empty());
        // A bad file stops Assent with the file and the key at fault.
        std::fs::write(&file, "[workspace.acme-retail.brand]\nname = \"Acme\"\nlogo = \"ftp://x/y.png\"\n").unwrap();
        let bad = config(&[("ASSENT_CONFIG", path)]).unwrap_err().0;
        assert!(bad.contains(path) && bad.contains("workspace.acme-retail.brand.logo"), "{bad}");
        let missing = config(&[("ASSENT_CONFIG", "/nonexistent/assent.toml")]).unwrap_err().0;
        assert!(missing.contains("ASSENT_CONFIG cannot be read") && missing.contains("/nonexistent/assent.toml"));
    }

    #[test]
    fn workspace_storage_and_banks_come_from_assent_config() {
        use super::super::WorkspaceStorage;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("assent.toml");
        let text = "[workspace.hyperscalebank]\nstorage = \"identity-pool\"\nidentity_pool = \"hs\"\n\
                    bank_url = \"https://hs.example/bank\"\n";
        std::fs::write(&file, text).unwrap();
        let path = file.to_str().unwrap();
        let c = config(&[("ASSENT_CONFIG", path)]).unwrap();
        assert_eq!(c.workspaces["hyperscalebank"].storage, Some(WorkspaceStorage::IdentityPool("hs".into())));
        assert!(c.workspaces["hyperscalebank"].bank_url.is_some());
        // The sandbox's own file: Hyperscale Bank in its pool.
        let sandbox = config(&[]).unwrap();
        assert!(matches!(sandbox.workspaces["hyperscalebank"].storage, Some(WorkspaceStorage::IdentityPool(_))));
        std::fs::write(&file, "[workspace.hyperscalebank]\nstorage = \"ledger\"\n").unwrap();
        let bad = config(&[("ASSENT_CONFIG", path)]).unwrap_err().0;
        assert!(bad.contains(path) && bad.contains("workspace.hyperscalebank.storage"), "{bad}");
        assert_eq!(bad.lines().count(), 1, "{bad}");
    }

    #[test]
    fn a_regimes_workspace_is_named_once_and_keeps_its_consents_ids() {
        use super::super::{Regime, WorkspaceStorage};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("assent.toml");
        let path = file.to_str().unwrap();
        let with = |text: &str, vars: &[(&'static str, &'static str)]| {
            std::fs::write(&file, text).unwrap();
            let mut all = vec![("ASSENT_CONFIG", path)];
            all.extend(vars.iter().copied());
            config(&all)
        };
        let c = with("[workspace.uk]\nregime = \"obuk\"\n[workspace.au]\nregime = \"cdr\"\n", &[]).unwrap();
        assert_eq!(c.workspaces["uk"].regime, Some(Regime::Obuk));
        assert_eq!(c.workspaces["au"].regime, Some(Regime::Cdr));
        // The sandbox's UK bank: its records where CONSENT_STORAGE says, none with an
        // external store (which would name them).
        let sandbox = config(&[]).unwrap();
        assert_eq!(sandbox.workspaces["obuk"].regime, Some(Regime::Obuk));
        assert_eq!(sandbox.workspaces["obuk"].storage, None);
        let sandbox_external =
            config(&[("CONSENT_STORAGE", "external"), ("EXTERNAL_CONSENT_STORAGE_URL", "https://store.example")]);
        assert_eq!(sandbox_external.unwrap().workspaces["obuk"].storage, Some(WorkspaceStorage::None));

        let refused = |text: &str, vars: &[(&'static str, &'static str)], says: &str| {
            let e = with(text, vars).unwrap_err().0;
            assert!(e.contains(says), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        };
        refused("[workspace.uk]\nregime = \"psd2\"\n", &[], "workspace.uk.regime must be obuk or cdr");
        refused(
            "[workspace.uk]\nregime = \"obuk\"\n[workspace.uk2]\nregime = \"obuk\"\n",
            &[],
            "workspace.uk is already the obuk workspace",
        );
        // A pool picks its users' ids: a UK record could not carry its ConsentId.
        refused(
            "[workspace.uk]\nregime = \"obuk\"\nstorage = \"identity-pool\"\nidentity_pool = \"p\"\n",
            &[],
            "storage = \"assent\" or \"none\"",
        );
        // As does an external store, unless the workspace keeps its records elsewhere.
        let external = [("CONSENT_STORAGE", "external"), ("EXTERNAL_CONSENT_STORAGE_URL", "https://store.example")];
        refused("[workspace.au]\nregime = \"cdr\"\n", &external, "workspace au's consents");
        assert!(with("[workspace.au]\nregime = \"cdr\"\nstorage = \"assent\"\n", &external).is_ok());
        // Its records in Assent's own store, which replicas share in PostgreSQL.
        let db = ("ASSENT_DATABASE_URL", "postgres://a:b@db.internal/assent");
        let shared = with("[workspace.au]\nregime = \"cdr\"\nstorage = \"assent\"\n", &[external[0], external[1], db]);
        assert!(shared.unwrap().database.is_some());
        refused(
            "[workspace.au]\nregime = \"cdr\"\nstorage = \"none\"\n",
            &[external[0], external[1], db],
            "no records of its own",
        );
        assert!(with("[workspace.au]\nregime = \"cdr\"\nstorage = \"none\"\n", &external).is_ok());
    }
}
