//! The sandbox's demo FDX data recipient ("Budget Buddy"), at `/fdx-demo` on the plain
//! listener. At each start it makes a self-signed certificate and registers it (client
//! `fdx-demo-recipient`, `self_signed_tls_client_auth`, JWKS with `x5c`). "Connect your bank"
//! pushes an `fdx_v1.0` request (PAR over mTLS), the callback exchanges the code (mTLS, PKCE,
//! state), then reads `GET /consents/{grant_id}` and the bank's data for each granted account
//! with the certificate-bound token. "Fetch again" repeats the bank calls with the stored
//! token. State lives server-side, keyed by an HttpOnly cookie.

use crate::error::with_causes;
use crate::sandbox::config::TENANT;
use crate::sandbox::mtls;
use crate::sandbox::pages::layout;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::Store;
use crate::sandbox::util::{esc, now, random_token};
use crate::sandbox::workspace::{ClientData, Workspace};
use crate::wire::{OAuthError, TokenResponse};
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

type Sb = State<Arc<Sandbox>>;
pub const CLIENT_ID: &str = "fdx-demo-recipient";
/// The FDX workspace this recipient is registered in (as the demo application is in `demo`).
const WORKSPACE: &str = "fdx";
const COOKIE: &str = "sandbox_fdx_demo";
const SCOPE: &str =
    "openid offline_access fdx:accountdetailed:read fdx:transactions:read fdx:customercontact:read READ_CONSENTS";

/// Makes the recipient's certificate, registers it in the client's JWKS, and builds its
/// mTLS HTTP client, which trusts only the sandbox's local CA and drops connections idle for
/// `idle`.
pub fn register(
    store: &Store,
    workspaces: &BTreeMap<String, Workspace>,
    ca_pem: &str,
    now: i64,
    idle: Duration,
) -> Result<(mtls::Identity, reqwest::Client), String> {
    let identity = mtls::self_signed("fdx-demo-recipient.sandbox", Some("Budget Buddy"))?;
    let mut client: ClientData = workspaces
        .get(WORKSPACE)
        .and_then(|w| w.clients.iter().find(|c| c.client_id == CLIENT_ID))
        .cloned()
        .ok_or("the seed has no fdx-demo-recipient client")?;
    client.jwks = Some(serde_json::json!({"keys": [mtls::jwk_with_x5c(&identity)]}));
    let data = serde_json::to_string(&client).map_err(|e| e.to_string())?;
    store.upsert_client(CLIENT_ID, WORKSPACE, None, &data, now).map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).map_err(|e| e.to_string())?)
        .identity(reqwest::Identity::from_pem(&identity.pem_bundle()).map_err(|e| e.to_string())?)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(idle)
        .build()
        .map_err(|e| e.to_string())?;
    Ok((identity, http))
}

/// What a session keeps after the callback.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Connected {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    grant_id: Option<String>,
    #[serde(default)]
    account_ids: Vec<String>,
}

fn page(status: StatusCode, body: &str) -> Response {
    let body = format!(
        "<h1>Budget Buddy</h1><p class=\"note\">A sandbox FDX data recipient.</p>{body}\
<p><a href=\"/fdx-demo\" id=\"start-again\">Start again</a></p>"
    );
    (status, Html(layout("Budget Buddy", &body))).into_response()
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    crate::cookies::read_cookie(headers, COOKIE).map(str::to_string)
}

fn http(sb: &Sandbox) -> Option<&reqwest::Client> {
    sb.recipient.as_ref().map(|(_, c)| c)
}

pub async fn index(State(sb): Sb, headers: HeaderMap) -> Response {
    let connected = session_id(&headers)
        .and_then(|id| sb.store.fdx_demo(&id).ok().flatten())
        .and_then(|(_, _, tokens)| tokens)
        .is_some();
    let again = if connected { FETCH_FORM } else { "" };
    page(
        StatusCode::OK,
        &format!(
            "<p>Connect your Sandbox Bank accounts to see them here. You choose the accounts on the bank's consent screen.</p>\
<form method=\"post\" action=\"/fdx-demo/connect\"><button type=\"submit\" id=\"connect\" data-testid=\"connect\">Connect your bank</button></form>{again}"
        ),
    )
}

const FETCH_FORM: &str = "<form method=\"post\" action=\"/fdx-demo/fetch\"><button type=\"submit\" id=\"fetch-again\" data-testid=\"fetch-again\">Fetch again</button></form>";

/// The `fdx_v1.0` authorization details the recipient asks for.
pub fn authorization_details() -> serde_json::Value {
    serde_json::json!([{
        "type": "fdx_v1.0",
        "consentRequest": {
            "durationType": "TIME_BOUND", "durationPeriod": 90, "lookbackPeriod": 365,
            "resources": [
                {"resourceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
                {"resourceType": "CUSTOMER", "dataClusters": ["CUSTOMER_CONTACT"]}
            ]
        }
    }])
}

pub async fn connect(State(sb): Sb) -> Response {
    let Some(http) = http(&sb) else {
        return page(StatusCode::INTERNAL_SERVER_ERROR, "<p class=\"error\">The recipient has no certificate.</p>");
    };
    let (id, state, verifier) = (random_token(24), random_token(16), random_token(48));
    if let Err(e) = sb.store.insert_fdx_demo(&id, &state, &verifier, now()) {
        tracing::error!(error = %e, "fdx demo session");
        return page(StatusCode::INTERNAL_SERVER_ERROR, "<p class=\"error\">Storage error.</p>");
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect_uri = format!("{}/fdx-demo/callback", sb.base_url);
    let details = authorization_details().to_string();
    let answer = http
        .post(format!("{}/{TENANT}/{WORKSPACE}/par", sb.mtls_base_url))
        .form(&[
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", &redirect_uri),
            ("scope", SCOPE),
            ("state", &state),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("authorization_details", &details),
        ])
        .send()
        .await;
    let request_uri = match answer {
        Ok(r) if r.status() == StatusCode::CREATED => {
            r.json::<serde_json::Value>().await.ok().and_then(|v| v["request_uri"].as_str().map(str::to_string))
        }
        Ok(r) => {
            let status = r.status();
            let text = r.text().await.unwrap_or_default();
            return page(
                StatusCode::BAD_GATEWAY,
                &format!("<p class=\"error\" data-testid=\"par-error\">PAR failed ({status}): {}</p>", esc(&text)),
            );
        }
        Err(e) => {
            return page(
                StatusCode::BAD_GATEWAY,
                &format!("<p class=\"error\">PAR failed: {}</p>", esc(&with_causes(&e))),
            )
        }
    };
    let Some(request_uri) = request_uri else {
        return page(StatusCode::BAD_GATEWAY, "<p class=\"error\">PAR answered without a request_uri.</p>");
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", CLIENT_ID)
        .append_pair("request_uri", &request_uri)
        .finish();
    let mut res = Redirect::to(&format!("/{TENANT}/{WORKSPACE}/oauth2/authorize?{query}")).into_response();
    let cookie = format!("{COOKIE}={id}; Path=/fdx-demo; HttpOnly; SameSite=Lax; Max-Age=7200");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub async fn callback(State(sb): Sb, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let state = q.get("state").cloned().unwrap_or_default();
    let id = session_id(&headers).unwrap_or_default();
    let verifier = if state.is_empty() { None } else { sb.store.take_fdx_demo_state(&id, &state).ok().flatten() };
    let Some(verifier) = verifier else {
        return page(
            StatusCode::BAD_REQUEST,
            "<h2>Unexpected callback</h2><p class=\"error\" data-testid=\"state-error\">The state does not match a connection started in this browser.</p>",
        );
    };
    if let Some(error) = q.get("error") {
        let field = |k: &str| esc(q.get(k).map(String::as_str).unwrap_or(""));
        return page(
            StatusCode::OK,
            &format!(
                "<h2>The bank did not share your data</h2><dl id=\"error\" data-testid=\"error\"><dt>error</dt><dd id=\"error-code\">{}</dd>\
<dt>error_description</dt><dd id=\"error-description\">{}</dd><dt>error_cause</dt><dd id=\"error-cause\">{}</dd>\
<dt>trace_id</dt><dd>{}</dd></dl>",
                esc(error),
                field("error_description"),
                field("error_cause"),
                field("trace_id")
            ),
        );
    }
    let (Some(code), Some(http)) = (q.get("code"), http(&sb)) else {
        return page(StatusCode::BAD_REQUEST, "<p class=\"error\">No code.</p>");
    };
    let answer = http
        .post(format!("{}/{TENANT}/{WORKSPACE}/oauth2/token", sb.mtls_base_url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", CLIENT_ID),
            ("redirect_uri", &format!("{}/fdx-demo/callback", sb.base_url)),
            ("code_verifier", &verifier),
        ])
        .send()
        .await;
    let tokens: TokenResponse = match answer {
        Ok(r) if r.status().is_success() => match r.json().await {
            Ok(t) => t,
            Err(e) => {
                return page(StatusCode::BAD_GATEWAY, &format!("<p class=\"error\">{}</p>", esc(&with_causes(&e))))
            }
        },
        Ok(r) => {
            let e: Option<OAuthError> = r.json().await.ok();
            let text =
                e.map(|e| format!("{}: {}", e.error, e.error_description.unwrap_or_default())).unwrap_or_default();
            return page(
                StatusCode::BAD_GATEWAY,
                &format!("<p class=\"error\" data-testid=\"token-error\">Token exchange failed: {}</p>", esc(&text)),
            );
        }
        Err(e) => return page(StatusCode::BAD_GATEWAY, &format!("<p class=\"error\">{}</p>", esc(&with_causes(&e)))),
    };
    let mut connected = Connected {
        access_token: tokens.access_token.clone(),
        refresh_token: tokens.refresh_token.clone(),
        grant_id: tokens.grant_id.clone(),
        account_ids: Vec::new(),
    };
    let consent_html = match &tokens.grant_id {
        Some(grant) => {
            let (status, json) = get_json(
                http,
                &format!("{}/{TENANT}/{WORKSPACE}/consents/{grant}", sb.mtls_base_url),
                &tokens.access_token,
            )
            .await;
            connected.account_ids = json["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["resourceType"] == "ACCOUNT")
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect();
            format!(
                "<h2>Consent</h2><p>GET /consents/{{grant_id}}: <span data-testid=\"consent-status\">{status}</span></p><pre id=\"consent\" data-testid=\"consent-json\">{}</pre>",
                esc(&serde_json::to_string_pretty(&json).unwrap_or_default())
            )
        }
        None => "<p class=\"error\">The token response has no grant_id.</p>".into(),
    };
    if let Err(e) = sb.store.set_fdx_demo_tokens(&id, &serde_json::to_string(&connected).unwrap_or_default()) {
        tracing::error!(error = %e, "fdx demo session");
    }
    let bank = bank_html(&sb, http, &connected).await;
    page(
        StatusCode::OK,
        &format!(
            "<h2>Connected</h2><p>grant_id: <code id=\"grant-id\" data-testid=\"grant-id\">{}</code></p>\
<p>Token: certificate-bound, scopes <code>{}</code></p>{consent_html}{bank}",
            esc(connected.grant_id.as_deref().unwrap_or("")),
            esc(tokens.scope.as_deref().unwrap_or(""))
        ),
    )
}

/// `POST /fdx-demo/fetch`: the bank calls again with the stored token.
pub async fn fetch_again(State(sb): Sb, headers: HeaderMap) -> Response {
    let connected: Option<Connected> = session_id(&headers)
        .and_then(|id| sb.store.fdx_demo(&id).ok().flatten())
        .and_then(|(_, _, tokens)| tokens)
        .and_then(|t| serde_json::from_str(&t).ok());
    let (Some(connected), Some(http)) = (connected, http(&sb)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "<p class=\"error\" data-testid=\"not-connected\">Connect your bank first.</p>",
        );
    };
    let bank = bank_html(&sb, http, &connected).await;
    page(
        StatusCode::OK,
        &format!(
            "<h2>Fetched again</h2><p>grant_id: <code id=\"grant-id\" data-testid=\"grant-id\">{}</code></p>{bank}",
            esc(connected.grant_id.as_deref().unwrap_or(""))
        ),
    )
}

async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> (u16, serde_json::Value) {
    match http.get(url).bearer_auth(token).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or_default())
        }
        Err(e) => (0, serde_json::json!({"error": e.to_string()})),
    }
}

/// The bank's answers for the granted accounts, with the status of each call.
async fn bank_html(sb: &Sandbox, http: &reqwest::Client, c: &Connected) -> String {
    let bank = format!("{}/bank", sb.mtls_base_url);
    let (status, list) = get_json(http, &format!("{bank}/accounts"), &c.access_token).await;
    let mut html = format!(
        "<h2>Accounts</h2><p>GET /accounts: <span id=\"bank-status\" data-testid=\"bank-status\">{status}</span></p>\
<ul id=\"granted-accounts\">{}</ul><pre data-testid=\"accounts-json\">{}</pre>",
        c.account_ids
            .iter()
            .map(|id| format!("<li data-testid=\"granted-account\" data-account-id=\"{0}\">{0}</li>", esc(id)))
            .collect::<String>(),
        esc(&serde_json::to_string_pretty(&list).unwrap_or_default())
    );
    for id in &c.account_ids {
        let (s1, account) = get_json(http, &format!("{bank}/accounts/{id}"), &c.access_token).await;
        let (s2, txs) = get_json(http, &format!("{bank}/accounts/{id}/transactions"), &c.access_token).await;
        html.push_str(&format!(
            "<section data-testid=\"account\" data-account-id=\"{0}\"><h3>Account {0}</h3>\
<p>account: <span data-testid=\"account-status\">{s1}</span>, transactions: <span data-testid=\"transactions-status\">{s2}</span></p>\
<pre data-testid=\"account-json\">{1}</pre><pre data-testid=\"transactions-json\">{2}</pre></section>",
            esc(id),
            esc(&serde_json::to_string_pretty(&account).unwrap_or_default()),
            esc(&serde_json::to_string_pretty(&txs).unwrap_or_default())
        ));
    }
    html.push_str(FETCH_FORM);
    html
}
