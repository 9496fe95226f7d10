//! The Rust floor of a consent page view, for `make bench`: an axum handler that makes the
//! same upstream call as Assent (the scope-grant read with a cached System token) and writes
//! a consent page of the same size by hand. No framework, no checks, no logs: what any Rust
//! server must spend at the least, to hold Assent's CPU per view against.
//!
//! `FLOOR_ADDR` (listen), `FLOOR_ISSUER` (`http://host/{tenant}/{workspace}`),
//! `FLOOR_PAGE_BYTES` (pad pages to Assent's size).

use axum::{
    extract::{Query, State},
    http::header,
    response::IntoResponse,
    routing::get,
    Router,
};
use serde::Deserialize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Floor {
    http: reqwest::Client,
    token_url: String,
    grants_url: String,
    token: RwLock<Option<(String, Instant)>>,
    page_bytes: usize,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
    expires_in: u64,
}

#[derive(Deserialize)]
struct Service {
    name: String,
}

#[derive(Deserialize)]
struct Scope {
    name: String,
    display_name: Option<String>,
    description: Option<String>,
    service: Option<Service>,
}

#[derive(Deserialize)]
struct ClientInfo {
    client_name: Option<String>,
}

#[derive(Deserialize)]
struct Grant {
    subject: String,
    authentication_context: serde_json::Map<String, serde_json::Value>,
    client_info: ClientInfo,
    requested_scopes: Vec<Scope>,
}

#[derive(Deserialize)]
struct Flow {
    login_id: String,
    login_state: String,
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

impl Floor {
    async fn token(&self) -> String {
        if let Some((t, until)) = self.token.read().unwrap().as_ref() {
            if Instant::now() < *until {
                return t.clone();
            }
        }
        let t: Token = self
            .http
            .post(&self.token_url)
            .basic_auth("bench", Some("bench-secret"))
            .form(&[("grant_type", "client_credentials"), ("scope", "manage_scope_grants")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let until = Instant::now() + Duration::from_secs(t.expires_in.saturating_sub(30));
        *self.token.write().unwrap() = Some((t.access_token.clone(), until));
        t.access_token
    }
}

async fn consent(State(floor): State<Arc<Floor>>, Query(flow): Query<Flow>) -> impl IntoResponse {
    let token = floor.token().await;
    let grant: Grant = floor
        .http
        .get(format!("{}/{}", floor.grants_url, flow.login_id))
        .bearer_auth(token)
        .query(&[("login_state", &flow.login_state)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = grant.authentication_context.get("email").and_then(|v| v.as_str()).unwrap_or(&grant.subject);
    let mut page = String::with_capacity(floor.page_bytes + 1024);
    page.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Consent</title></head><body><main><h1>");
    escape(&mut page, grant.client_info.client_name.as_deref().unwrap_or("app"));
    page.push_str(" asks for access</h1><p>Signed in as <strong>");
    escape(&mut page, user);
    page.push_str("</strong></p><form method=\"post\" action=\"/decide\"><input type=\"hidden\" name=\"login_id\" value=\"");
    escape(&mut page, &flow.login_id);
    page.push_str("\"><input type=\"hidden\" name=\"login_state\" value=\"");
    escape(&mut page, &flow.login_state);
    page.push_str("\">");
    for s in &grant.requested_scopes {
        page.push_str("<fieldset><legend>");
        escape(&mut page, s.service.as_ref().map_or("Other", |s| &s.name));
        page.push_str("</legend><label><input type=\"checkbox\" name=\"scope[]\" checked value=\"");
        escape(&mut page, &s.name);
        page.push_str("\">");
        escape(&mut page, s.display_name.as_deref().unwrap_or(&s.name));
        page.push_str(" <span>");
        escape(&mut page, s.description.as_deref().unwrap_or_default());
        page.push_str("</span></label></fieldset>");
    }
    page.push_str("<button name=\"decision\" value=\"deny\">Deny</button><button name=\"decision\" value=\"allow\">Allow</button></form></main></body></html>");
    // The same number of bytes as Assent's page, so both write as much.
    if page.len() < floor.page_bytes {
        let pad = floor.page_bytes - page.len();
        page.insert_str(page.len() - "</body></html>".len(), &" ".repeat(pad));
    }
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
}

#[tokio::main]
async fn main() {
    let addr = std::env::var("FLOOR_ADDR").unwrap_or_else(|_| "127.0.0.1:3200".into());
    let issuer = std::env::var("FLOOR_ISSUER").expect("FLOOR_ISSUER");
    let (base, rest) = issuer.rsplit_once('/').and_then(|(b, _)| b.rsplit_once('/')).expect("issuer /tenant/workspace");
    let tenant = rest;
    let floor = Arc::new(Floor {
        http: reqwest::Client::builder().timeout(Duration::from_secs(4)).build().unwrap(),
        token_url: format!("{base}/{tenant}/system/oauth2/token"),
        grants_url: format!("{base}/api/system/{tenant}/scope-grants"),
        token: RwLock::new(None),
        page_bytes: std::env::var("FLOOR_PAGE_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(0),
    });
    let app = Router::new().route("/consent", get(consent)).route("/healthz", get(|| async { "ok" })).with_state(floor);
    let listener = tokio::net::TcpListener::bind(&addr).await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
