//! Starting the sandbox: the database, signing key and seed ([`open`]), then its two
//! listeners, plain and mutual-TLS ([`spawn`]).

use crate::sandbox::bank::data::{Bank, DEFAULT_LEDGER};
use crate::sandbox::config::{SandboxConfig, SandboxError};
use crate::sandbox::fdx_demo;
use crate::sandbox::mtls;
use crate::sandbox::routes::router;
use crate::sandbox::state::{Sandbox, SandboxHandle, SigningKey, Stats, HASHING_AT_ONCE};
use crate::sandbox::store::Store;
use crate::sandbox::throttle::Throttle;
use crate::sandbox::util::{hash_password, now, random_token, sha256_b64};
use crate::sandbox::workspace::{Seed, UserData};
use openidconnect::core::{CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Starts the sandbox on its own listener, and its mutual-TLS listener.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let limits = config.limits;
    crate::sqlite::private_dir(&config.data_dir).map_err(|e| SandboxError::DataDir(config.data_dir.clone(), e))?;
    let listener =
        tokio::net::TcpListener::bind(config.addr).await.map_err(|e| SandboxError::Listen(config.addr, e))?;
    let addr = listener.local_addr().map_err(|e| SandboxError::Listen(config.addr, e))?;
    let mtls_wanted = config.mtls_addr()?;
    let mtls_listener =
        tokio::net::TcpListener::bind(mtls_wanted).await.map_err(|e| SandboxError::Listen(mtls_wanted, e))?;
    let mtls_addr = mtls_listener.local_addr().map_err(|e| SandboxError::Listen(mtls_wanted, e))?;
    let base_url = format!("http://{addr}");
    let shown = if mtls_addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), mtls_addr.port())
    } else {
        mtls_addr
    };
    let mtls_host = shown.ip().to_string();
    let mtls_base_url = format!("https://{shown}");
    let (sandbox, (secret, bank_secret), ca) = {
        let base_url = base_url.clone();
        let mtls_base_url = mtls_base_url.clone();
        tokio::task::spawn_blocking(move || {
            let mut hosts = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            if !hosts.contains(&mtls_host) {
                hosts.push(mtls_host);
            }
            let ca = mtls::local_ca(&config.data_dir, &hosts).map_err(SandboxError::Tls)?;
            let (sandbox, secret) = open(&config, base_url, mtls_base_url, &ca.ca_pem)?;
            Ok::<_, SandboxError>((sandbox, secret, ca))
        })
        .await
        .map_err(|e| SandboxError::Seed(e.to_string()))??
    };
    let sandbox = Arc::new(sandbox);
    let app = crate::listen::limit_bodies(router(sandbox.clone()), &limits);
    tokio::spawn(mtls::serve(mtls_listener, ca.server_config.clone(), app.clone(), limits));
    tokio::spawn(crate::listen::serve(listener, app, limits, std::future::pending()));
    // The aggregator demo registers at the banks over HTTP: once the listeners serve.
    crate::sandbox::aggregator::start(sandbox.clone()).await;
    tracing::info!(%base_url, "sandbox authorization server listening");
    tracing::info!(%mtls_base_url, ca = %ca.ca_path.display(), "sandbox mutual-TLS listener; trust this CA file");
    Ok(SandboxHandle {
        addr,
        base_url,
        mtls_addr,
        mtls_base_url,
        ca_path: ca.ca_path,
        consent_client_id: "assent-consent".into(),
        consent_client_secret: secret,
        bank_client_secret: bank_secret,
        sandbox,
    })
}

/// Opens the database, creates the signing key and seeds users and clients. Blocking.
fn open(
    config: &SandboxConfig,
    base_url: String,
    mtls_base_url: String,
    ca_pem: &str,
) -> Result<(Sandbox, (String, String)), SandboxError> {
    let store = Store::open(&config.data_dir.join("sandbox.sqlite3"))?;
    let (key, jwks) = signing_key(&store, "signing_key", "sandbox")?;

    let seed = Seed::load().map_err(SandboxError::Seed)?;
    let now = now();
    for user in &seed.users {
        if store.user(&user.username)?.is_none() {
            let hash = hash_password(&user.password).map_err(SandboxError::Seed)?;
            let data = serde_json::to_string(&UserData {
                email: user.email.clone(),
                name: user.name.clone(),
                customer_id: user.customer_id.clone(),
                roles: user.roles.clone(),
            })
            .map_err(|e| SandboxError::Seed(e.to_string()))?;
            store.upsert_user(&user.username, &hash, &data)?;
        }
    }
    let mut workspaces = seed.workspaces;
    let assent_origin = url::Url::parse(&config.consent_url)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|e| SandboxError::Seed(format!("consent URL: {e}")))?;
    let (mut consent_secret, mut bank_secret) = (String::new(), String::new());
    for (ws, seeded) in workspaces.iter_mut() {
        for client in seeded.clients.iter_mut() {
            for uri in [&mut client.logo_uri, &mut client.client_uri, &mut client.policy_uri, &mut client.tos_uri]
                .into_iter()
                .flatten()
            {
                *uri = uri.replace("{base}", &base_url);
            }
            for uri in client.redirect_uris.iter_mut() {
                *uri = uri.replace("{base}", &base_url).replace("{assent}", &assent_origin);
            }
            if client.uses_mtls() {
                let data = serde_json::to_string(client).map_err(|e| SandboxError::Seed(e.to_string()))?;
                store.upsert_client(&client.client_id, ws, None, &data, now)?;
                continue;
            }
            // Secrets are made on first start, never compiled in.
            let key = format!("client_secret:{}", client.client_id);
            let secret = match store.meta(&key)? {
                Some(s) => s,
                None => {
                    let s = random_token(32);
                    store.set_meta(&key, &s)?;
                    s
                }
            };
            if client.client_id == "assent-consent" {
                consent_secret = secret.clone();
            }
            if client.client_id == crate::sandbox::bank::internal::BANK_READER {
                bank_secret = secret.clone();
            }
            let data = serde_json::to_string(client).map_err(|e| SandboxError::Seed(e.to_string()))?;
            store.upsert_client(&client.client_id, ws, Some(&sha256_b64(&secret)), &data, now)?;
        }
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(config.limits.client_idle())
        .build()
        .map_err(|e| SandboxError::Seed(e.to_string()))?;
    let recipient =
        fdx_demo::register(&store, &workspaces, ca_pem, now, config.limits.client_idle()).map_err(SandboxError::Tls)?;
    let bank = with_choices(&store, Bank::load().map_err(SandboxError::Seed)?)?;
    let mut ledgers = BTreeMap::new();
    // One bank per ledger, whichever workspaces name it: a holder's choice is the bank's.
    let mut by_name: BTreeMap<&str, Arc<Bank>> = BTreeMap::new();
    let mut own_keys = BTreeMap::new();
    for (wid, ws) in &workspaces {
        if let Some(name) = ws.ledger.as_deref().filter(|n| *n != DEFAULT_LEDGER) {
            let ledger = match by_name.get(name) {
                Some(ledger) => ledger.clone(),
                None => Arc::new(with_choices(&store, Bank::ledger(name).map_err(SandboxError::Seed)?)?),
            };
            by_name.insert(name, ledger.clone());
            ledgers.insert(wid.clone(), ledger);
        }
        if ws.own_signing_key {
            own_keys.insert(wid.clone(), signing_key(&store, &format!("signing_key:{wid}"), wid)?);
        }
    }
    let form_key = match store.meta("form_key")? {
        Some(k) => k.into_bytes(),
        None => {
            let k = random_token(32);
            store.set_meta("form_key", &k)?;
            k.into_bytes()
        }
    };
    Ok((
        Sandbox {
            store,
            base_url,
            mtls_base_url,
            ca_pem: ca_pem.to_string(),
            client_cas: mtls::ClientCas::new(ca_pem, config.client_ca.as_deref()).map_err(SandboxError::Tls)?,
            data_dir: config.data_dir.clone(),
            bank,
            ledgers,
            recipient: Some(recipient),
            consent_url: config.consent_url.clone(),
            key,
            jwks,
            own_keys,
            workspaces,
            http,
            stats: Stats::default(),
            fault: Mutex::new(None),
            replays: Default::default(),
            throttle: Throttle::default(),
            consents: OnceLock::new(),
            hashing: tokio::sync::Semaphore::new(HASHING_AT_ONCE),
            stand_in_hash: hash_password(&random_token(16)).map_err(SandboxError::Seed)?,
            form_key,
        },
        (consent_secret, bank_secret),
    ))
}

/// `bank` with the choices its joint accounts' holders made, as the store kept them.
fn with_choices(store: &Store, bank: Bank) -> Result<Bank, SandboxError> {
    for (account, holder, allowed) in store.joint_sharing_of(&bank.name)? {
        bank.choose(&account, &holder, allowed, || Ok::<_, SandboxError>(()))?;
    }
    Ok(bank)
}

/// The RSA signing key kept in the database under `meta_key` (made on first start), with its
/// key set; its `kid` starts with `prefix`.
fn signing_key(store: &Store, meta_key: &str, prefix: &str) -> Result<SigningKey, SandboxError> {
    let pem = match store.meta(meta_key)? {
        Some(pem) => pem,
        None => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key =
                rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| SandboxError::Key(e.to_string()))?;
            let pem =
                key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| SandboxError::Key(e.to_string()))?.to_string();
            store.set_meta(meta_key, &pem)?;
            pem
        }
    };
    let kid = format!("{prefix}-{}", &sha256_b64(&pem)[..12]);
    let key = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid))).map_err(SandboxError::Key)?;
    let jwks = CoreJsonWebKeySet::new(vec![key.as_verification_key()]);
    Ok((key, jwks))
}

#[cfg(test)]
mod tests {
    use super::{with_choices, Bank, Store};

    #[test]
    fn joint_account_holders_choices_outlive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sandbox.sqlite3")).unwrap();
        store.set_joint_sharing("cdr", "AU-40004", "user2", true, 1).unwrap();
        store.set_joint_sharing("cdr", "AU-40004", "user", false, 2).unwrap();
        store.set_joint_sharing("obuk", "AU-40004", "user", true, 3).unwrap();
        let bank = with_choices(&store, Bank::ledger("cdr").unwrap()).unwrap();
        let withholders: Vec<String> = bank.withholders("AU-40004").into_iter().collect();
        assert_eq!(withholders, ["user"], "the seed's user2 allowed it since, then user stopped it");
        store.set_joint_sharing("cdr", "AU-40004", "user", true, 4).unwrap();
        let bank = with_choices(&store, Bank::ledger("cdr").unwrap()).unwrap();
        assert!(bank.shared("AU-40004").is_some(), "the latest choice of each holder");
    }
}
