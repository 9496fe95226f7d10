//! Starts Assent with a sandbox, and plays a browser through the sign-in and consent flow.

use assent::sandbox::{Sandbox, SandboxHandle};
use assent::server::config::Config;
use reqwest::{header, redirect, Client, Response, StatusCode};
use std::sync::Arc;

pub const PASSWORD: &str = "p@ssword!";

pub struct TestApp {
    pub url: String,
    pub sandbox_handle: SandboxHandle,
    /// Assent's own state (its records and upstream clients), for tests that play a crash.
    pub state: assent::server::AppState,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox_handle.sandbox
    }
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }
    pub fn sandbox_url(&self) -> &str {
        &self.sandbox_handle.base_url
    }
}

/// A test Assent with the embedded sandbox on ports the OS picks, its data in `data_dir`.
pub fn sandbox_config(data_dir: &std::path::Path) -> Config {
    Config {
        tenant: None,
        sandbox_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.to_path_buf(),
        session_key: Some(assent::server::config::Secret::new("k".repeat(32))),
        public_url: None,
        portal: None,
        theme: Default::default(),
        workspace_themes: assent::server::config::sandbox_themes(),
        workspaces: assent::server::config::sandbox_workspaces(),
        bank: None,
        bank_client: None,
        sandbox_mtls_addr: None,
        text_logs: false,
        log_filter: "info".into(),
        time_zone: chrono_tz::UTC,
        live_reload: false,
        session_store: assent::server::config::SessionStoreConfig::Sqlite,
        session_store_timeout: std::time::Duration::from_millis(500),
        // The tests' many browsers all come from 127.0.0.1, as they would through a proxy.
        limits: assent::listen::Limits { max_per_address: 1024, ..Default::default() },
        sandbox_client_ca: None,
        consent_storage: Default::default(),
        database: None,
        external_storage: None,
        console: Some(assent::server::config::ConsoleConfig::sandbox()),
        metrics_token: None,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on_site(".").await
}

/// [`spawn_app`] serving the built site in `site_root`.
pub async fn spawn_app_on_site(site_root: &str) -> TestApp {
    spawn_app_with(site_root, |_| {}).await
}

/// [`spawn_app`] serving the built site in `site_root`, its configuration changed by `edit`.
pub async fn spawn_app_with(site_root: &str, edit: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = sandbox_config(dir.path());
    edit(&mut config);
    let leptos =
        leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).site_root(site_root).build();
    let url = format!("http://{addr}");
    let started = assent::routes::start(config, leptos, url::Url::parse(&url).unwrap()).await.unwrap();
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    TestApp { url, sandbox_handle: started.sandbox.unwrap(), state: started.state, _dir: dir }
}

/// Starts Assent against `issuer` (a stub or another instance's sandbox), with `key` and `data`.
pub async fn spawn_assent(
    issuer: &str,
    secret: &str,
    key: &str,
    data: &std::path::Path,
    public_url: Option<&str>,
) -> String {
    spawn_assent_with(issuer, secret, key, data, public_url, |_| {}).await
}

/// The public URL of [`spawn_behind_https`]'s Assent.
pub const BEHIND_HTTPS: &str = "https://consent.example";

/// Another Assent on `app`'s sandbox (its demo workspace), as deployed behind a TLS proxy at
/// [`BEHIND_HTTPS`]: browsers come from afar. Its address for the test, over plain http.
pub async fn spawn_behind_https(app: &TestApp, data: &std::path::Path) -> String {
    let issuer = format!("{}/default/demo", app.sandbox_url());
    let secret = app.sandbox_handle.consent_client_secret.clone();
    spawn_assent(&issuer, &secret, &"k".repeat(32), data, Some(BEHIND_HTTPS)).await
}

/// [`spawn_assent`], its configuration changed by `edit`.
pub async fn spawn_assent_with(
    issuer: &str,
    secret: &str,
    key: &str,
    data: &std::path::Path,
    public_url: Option<&str>,
    edit: impl FnOnce(&mut Config),
) -> String {
    use assent::server::config::{PortalClient, Secret, TenantConfig};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config {
        tenant: Some(TenantConfig {
            issuer: url::Url::parse(issuer).unwrap(),
            tenant_id: "default".into(),
            client_id: "assent-consent".into(),
            client_secret: Secret::new(secret),
            root_ca: None,
            client_cert: None,
            routing: Default::default(),
            system_scopes: None,
        }),
        session_key: Some(Secret::new(key)),
        public_url: public_url.map(|u| url::Url::parse(u).unwrap()),
        portal: Some(PortalClient { client_id: "assent-portal".into(), client_secret: None }),
        // A configured tenant has no sandbox file: every workspace keeps CONSENT_STORAGE's records.
        workspaces: Default::default(),
        ..sandbox_config(data)
    };
    edit(&mut config);
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let public = public_url.map(str::to_string).unwrap_or_else(|| format!("http://{addr}"));
    let started = assent::routes::start(config, leptos, url::Url::parse(&public).unwrap()).await.unwrap();
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    format!("http://{addr}")
}

/// A browser: its own cookie jar, redirects followed by hand so tests can see each hop.
pub fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap()
}

/// A browser that keeps no idle connection: for tests holding a thousand of them at once,
/// whose idle keep-alive connections would otherwise fill the listeners' connection slots
/// (1,024 each) and make the servers' own calls wait in the backlog.
pub fn browser_without_idle_connections() -> Client {
    Client::builder().cookie_store(true).redirect(redirect::Policy::none()).pool_max_idle_per_host(0).build().unwrap()
}

pub fn location(res: &Response) -> String {
    res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Resolves a possibly relative `Location` against the URL it came from.
pub fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base).unwrap().join(location).unwrap().to_string()
}

/// The value of a hidden form field in server-rendered HTML.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    let end = rest[v..].find('"').unwrap();
    rest[v..v + end].replace("&amp;", "&")
}

/// Whether the page's checkbox (or radio button) `name` of `value` is ticked; panics when the
/// page has none.
pub fn ticked(html: &str, name: &str, value: &str) -> bool {
    let (name, value) = (format!("name=\"{name}\""), format!("value=\"{value}\""));
    html.split("<input")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .find(|tag| tag.contains(&name) && tag.contains(&value))
        .unwrap_or_else(|| panic!("no input {name} {value}"))
        .split_whitespace()
        .any(|attribute| attribute == "checked" || attribute.starts_with("checked="))
}

/// Follows an authorize URL to the sandbox's sign-in page and signs in as `user`; returns the
/// sandbox's answer to the sign-in (a redirect to the consent page, or to the client).
pub async fn sign_in(app: &TestApp, b: &Client, authorize: &str, user: &str) -> Response {
    let res = b.get(authorize).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "authorize");
    let login = absolute(app.sandbox_url(), &location(&res));
    let (login_id, csrf_token) = login_form(b, &login).await;
    let action = format!("{}{}", app.sandbox_url(), url::Url::parse(&login).unwrap().path());
    b.post(action)
        .form(&[
            ("login_id", login_id.as_str()),
            ("username", user),
            ("password", PASSWORD),
            ("csrf_token", &csrf_token),
        ])
        .send()
        .await
        .unwrap()
}

/// Opens a sandbox sign-in page in browser `b`: its login id and the form's token.
pub async fn login_form(b: &Client, login_url: &str) -> (String, String) {
    let res = b.get(login_url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the sign-in page");
    let html = res.text().await.unwrap();
    (hidden(&html, "login_id"), hidden(&html, "csrf_token"))
}

/// Demo app → authorize → sign-in as `user`: returns the consent URL Assent is sent to.
pub async fn start_flow(app: &TestApp, b: &Client, user: &str, scopes: &[&str]) -> String {
    let form: Vec<(&str, &str)> = scopes.iter().map(|s| ("scope", *s)).collect();
    let res = b.post(format!("{}/demo/start", app.sandbox_url())).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let res = sign_in(app, b, &authorize, user).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{}/consent?login_id=", app.url)), "{consent}");
    consent
}

/// Registers a public client of the demo workspace (DCR) named `name`, which may return to
/// `redirect_uris` and ask for `openid email`: its client id.
pub async fn register_public_client(app: &TestApp, name: &str, redirect_uris: &[&str]) -> String {
    let reg: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/default/demo/oauth2/register", app.sandbox_url()))
        .json(&serde_json::json!({
            "redirect_uris": redirect_uris,
            "client_name": name,
            "token_endpoint_auth_method": "none",
            "scope": "openid email"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reg["client_id"].as_str().unwrap().to_string()
}

/// The consent page's form fields.
pub struct ConsentPage {
    pub html: String,
    pub login_id: String,
    pub login_state: String,
    pub csrf_token: String,
}

pub async fn open_consent(b: &Client, consent_url: &str) -> ConsentPage {
    let res = b.get(consent_url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    ConsentPage {
        login_id: hidden(&html, "login_id"),
        login_state: hidden(&html, "login_state"),
        csrf_token: hidden(&html, "csrf_token"),
        html,
    }
}

/// The server functions a consent form posts to (with or without JavaScript).
pub const DECIDE: &str = "/api/consent/decide";
pub const DECIDE_FDX: &str = "/api/fdx/decide";
pub const DECIDE_OBUK: &str = "/api/obuk/decide";
pub const DECIDE_OBUK_PAYMENT: &str = "/api/obuk/payment/decide";
pub const DECIDE_CDR: &str = "/api/cdr/decide";

/// A POST as a browser's plain HTML form sends it (no JavaScript): it accepts HTML, so a
/// server function answers with a page or a redirect.
pub fn form_post(b: &Client, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
    b.post(url).header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
}

/// The portal's Stop of `consent_id`, as a same-origin plain form with `csrf_token`.
pub async fn portal_stop(app: &TestApp, b: &Client, consent_id: &str, csrf_token: &str) -> Response {
    form_post(b, format!("{}/api/portal/stop", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("consent_id", consent_id), ("csrf_token", csrf_token)])
        .send()
        .await
        .unwrap()
}

/// Posts the consent form as a same-origin browser would.
pub async fn submit(app: &TestApp, b: &Client, page: &ConsentPage, decision: &str, scopes: &[&str]) -> Response {
    let fields: Vec<(&str, &str)> = scopes.iter().map(|s| ("scope[]", *s)).collect();
    submit_fields(app, b, page, decision, &fields).await
}

/// Posts the consent form with `fields` besides the hidden ones and the decision.
pub async fn submit_fields(
    app: &TestApp,
    b: &Client,
    page: &ConsentPage,
    decision: &str,
    fields: &[(&str, &str)],
) -> Response {
    submit_to(app, b, &app.url, page, decision, fields).await
}

/// Posts the consent form to the Assent at `base` (a replica behind the same public URL).
pub async fn submit_to(
    app: &TestApp,
    b: &Client,
    base: &str,
    page: &ConsentPage,
    decision: &str,
    fields: &[(&str, &str)],
) -> Response {
    let path = [DECIDE_FDX, DECIDE_OBUK, DECIDE_OBUK_PAYMENT, DECIDE_CDR]
        .into_iter()
        .find(|p| page.html.contains(p))
        .unwrap_or(DECIDE);
    post_decision(app, b, format!("{base}{path}"), page, decision, fields).await
}

/// Posts a consent form to `url` as a same-origin browser's plain form: the page's hidden
/// fields, the decision and `fields`.
pub async fn post_decision(
    app: &TestApp,
    b: &Client,
    url: String,
    page: &ConsentPage,
    decision: &str,
    fields: &[(&str, &str)],
) -> Response {
    post_decision_from(&app.url, b, url, page, decision, fields).await
}

/// [`post_decision`] from a page of the Assent at `origin`.
pub async fn post_decision_from(
    origin: &str,
    b: &Client,
    url: String,
    page: &ConsentPage,
    decision: &str,
    fields: &[(&str, &str)],
) -> Response {
    let mut form = vec![
        ("login_id", page.login_id.as_str()),
        ("login_state", page.login_state.as_str()),
        ("csrf_token", page.csrf_token.as_str()),
        ("decision", decision),
    ];
    form.extend_from_slice(fields);
    form_post(b, url).header("origin", origin).header("sec-fetch-site", "same-origin").form(&form).send().await.unwrap()
}

/// Follows the 303 from Assent back through the authorization server to the demo app.
pub async fn finish(app: &TestApp, b: &Client, res: Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "consent POST");
    let back = location(&res);
    assert!(back.starts_with(app.sandbox_url()), "redirect_to {back}");
    let res = b.get(&back).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let callback = location(&res);
    let res = b.get(&callback).send().await.unwrap();
    res.text().await.unwrap()
}

/// The scopes listed by the demo app after a successful flow.
pub fn granted_scopes(demo_html: &str) -> Vec<String> {
    let Some(start) = demo_html.find("<ul id=\"granted-scopes\">") else {
        // The page's head is the same on every page: show what it says, from its heading on.
        let body = demo_html.find("<h1").map_or(demo_html, |i| &demo_html[i..]);
        let end = body.char_indices().nth(1500).map_or(body.len(), |(i, _)| i);
        panic!("no granted scopes list in the demo app's page:\n{}", &body[..end]);
    };
    let list = &demo_html[start..demo_html[start..].find("</ul>").unwrap() + start];
    list.split("<li class=\"badge\">").skip(1).map(|s| s.split('<').next().unwrap().to_string()).collect()
}

/// Signs `user` in to the portal in browser `b`; returns the portal page.
pub async fn portal_sign_in(app: &TestApp, b: &Client, user: &str) -> String {
    let callback = portal_callback(app, b, user).await;
    let res = b.get(callback.as_str()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(cookie
        .iter()
        .any(|c| c.starts_with("assent-portal=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap()
}

/// Starts a portal sign-in in browser `b` and signs `user` in at the sandbox: the callback the
/// browser is sent back to, not yet followed.
pub async fn portal_callback(app: &TestApp, b: &Client, user: &str) -> url::Url {
    let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    portal_callback_from(app, b, &page, user).await
}

/// [`portal_callback`] from the signed-out portal's `page` (loaded earlier, in another tab).
pub async fn portal_callback_from(app: &TestApp, b: &Client, page: &str, user: &str) -> url::Url {
    assert!(page.contains("Sign in"));
    let token = hidden(page, "csrf_token");
    let res = form_post(b, format!("{}/api/portal/sign-in", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = location(&res);
    assert_pushed(&authorize);
    let res = sign_in(app, b, &authorize, user).await;
    // The portal's client is trusted: no consent screen for the portal itself.
    let callback = location(&res);
    assert!(callback.starts_with(&format!("{}/portal/callback?", app.url)), "{callback}");
    url::Url::parse(&callback).unwrap()
}

/// `url` with its query rewritten by `edit`: each pair's new value, or `None` to drop it.
pub fn with_query(url: &url::Url, edit: impl Fn(&str, &str) -> Option<String>) -> url::Url {
    let pairs: Vec<(String, String)> =
        url.query_pairs().filter_map(|(k, v)| edit(&k, &v).map(|v| (k.to_string(), v))).collect();
    let mut edited = url.clone();
    edited.query_pairs_mut().clear().extend_pairs(pairs);
    edited
}

/// `GET url?query` with the bearer `token`, as a recipient reads a bank: the status and the
/// JSON answer (null when there is none).
pub async fn bearer_get(url: &str, token: &str, query: &[(&str, &str)]) -> (StatusCode, serde_json::Value) {
    let res = Client::new().get(url).query(query).bearer_auth(token).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(serde_json::Value::Null))
}

/// Whether the demo app's token is still active at the sandbox.
pub async fn introspect(app: &TestApp, token: &str) -> bool {
    introspection(app, token).await["active"] == true
}

/// The sandbox's introspection of a demo app's token.
pub async fn introspection(app: &TestApp, token: &str) -> serde_json::Value {
    let secret = app.sandbox().store.meta("client_secret:demo-app").unwrap().unwrap();
    reqwest::Client::new()
        .post(format!("{}/default/demo/oauth2/introspect", app.sandbox_url()))
        .basic_auth("demo-app", Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A consent through the demo app; returns the access token the demo app received.
pub async fn consent_via_demo(app: &TestApp, user: &str, scopes: &[&str]) -> String {
    let b = browser();
    let consent = start_flow(app, &b, user, scopes).await;
    let page = open_consent(&b, &consent).await;
    let demo = finish(app, &b, submit(app, &b, &page, "allow", scopes).await).await;
    let start = demo.find("id=\"access-token\">").unwrap() + "id=\"access-token\">".len();
    demo[start..start + demo[start..].find('<').unwrap()].to_string()
}

/// A System-workspace token of Assent's consent client with `scope`.
pub async fn system_token(app: &TestApp, scope: &str) -> String {
    let h = &app.sandbox_handle;
    client_credentials(app, &h.consent_client_id, &h.consent_client_secret, scope).await
}

/// A token of the mock bank's reader: what the bank's internal API wants.
pub async fn bank_token(app: &TestApp) -> String {
    use assent::sandbox::bank::internal::{BANK_READER, INTERNAL_SCOPE};
    client_credentials(app, BANK_READER, &app.sandbox_handle.bank_client_secret, INTERNAL_SCOPE).await
}

async fn client_credentials(app: &TestApp, id: &str, secret: &str, scope: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/default/system/oauth2/token", app.sandbox_url()))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap_or_else(|| panic!("{id} may not have {scope}: {body}")).to_string()
}

/// What a portal page shows of the applications, as drawn (after the island's props, which
/// carry every name and text, and before the consent records).
pub fn portal_apps(html: &str) -> &str {
    let start = html.find(r#"id="portal-announce""#).expect("the portal's list");
    let end = html.find(r#"id="records-title""#).unwrap_or(html.len()).max(start);
    &html[start..end]
}

/// The portal's consent records section, as drawn.
pub fn portal_records(html: &str) -> &str {
    &html[html.find(r#"id="records-title""#).expect("the records section")..]
}

/// P-10: a sign-in's request was pushed (RFC 9126): the browser carries the client and the
/// request's reference only, never its `state`, `nonce`, PKCE challenge or redirect URI. What
/// was pushed is proven by the sign-in's success: the sandbox's public clients must use PKCE
/// (S256), and the ID token is checked against the nonce.
pub fn assert_pushed(authorize: &str) {
    let url = url::Url::parse(authorize).unwrap();
    let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["client_id", "request_uri"], "{authorize}");
    assert!(url.query().unwrap().contains("request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A"), "{authorize}");
}

/// The portal's card of consent `id` in `html` (its `<li>`, up to its end).
pub fn consent_card(html: &str, id: &str) -> String {
    let at = html.find(&format!("data-consent-id=\"{id}\"")).unwrap_or_else(|| panic!("{id}: {html}"));
    html[at..at + html[at..].find("</li>").unwrap()].to_string()
}

/// Accepts the flow of `page` straight at the sandbox's consent-page API (`{kind}` is its path,
/// e.g. `cdr/cdr-arrangement`) with the System token and `body`, as a consent page other than
/// Assent's could: the authorization code the browser `b` then brings back.
pub async fn accept_past_assent(
    app: &TestApp,
    b: &Client,
    kind: &str,
    page: &ConsentPage,
    body: serde_json::Value,
) -> String {
    let system = system_token(app, "manage_openbanking_consents").await;
    let accept = format!("{}/default/system/{kind}/{}/accept", app.sandbox_url(), page.login_id);
    let res = Client::new().post(accept).bearer_auth(system).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let redirect: serde_json::Value = res.json().await.unwrap();
    let res = b.get(redirect["redirect_to"].as_str().unwrap()).send().await.unwrap();
    let callback = url::Url::parse(&location(&res)).unwrap();
    let code = callback.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned());
    code.unwrap_or_else(|| panic!("{callback}"))
}
