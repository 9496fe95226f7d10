//! The sign-in page of a pending login, and its submission: the password is checked (throttled,
//! from the browser that started the login), the consent profile hears of the sign-in, and the
//! browser goes to the consent page, or straight back with a code for a trusted client.

use crate::sandbox::authz::request::Params;
use crate::sandbox::http::{check_workspace, db_failure};
use crate::sandbox::oauth::issue::issue_code;
use crate::sandbox::oauth::request::{client_redirect, expired_login_page, other_browser_page, pending_login};
use crate::sandbox::pages;
use crate::sandbox::profile::of;
use crate::sandbox::signin::SignInRefusal;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Form,
};
use serde::Deserialize;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

pub async fn login_page(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let id = p.get("login_id").cloned().unwrap_or_default();
    match pending_login(&sb, &wid, &id) {
        Some((row, _, client)) if row.status == "new" => match sb.browser_id(&headers) {
            Some(browser) if sb.same_browser(&row.id, &headers) => {
                let token = sb.form_token(&row.id, browser);
                Html(pages::login_page(&tid, &wid, &row.id, &token, &client, None)).into_response()
            }
            _ => other_browser_page(),
        },
        _ => expired_login_page(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    login_id: String,
    username: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn login_submit(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let Some((row, request, client)) = pending_login(&sb, &wid, &f.login_id) else {
        return expired_login_page();
    };
    if row.status != "new" {
        return expired_login_page();
    }
    // The form this browser was shown for this sign-in, and no other (checked before any
    // password is hashed).
    if !sb.form_token_ok(&row.id, &headers, &f.csrf_token) {
        return other_browser_page();
    }
    let token = sb.browser_id(&headers).map(|b| sb.form_token(&row.id, b)).unwrap_or_default();
    // The client's address as the listener saw it (a proxy's in front of the sandbox would
    // need its own limits; the sandbox trusts no forwarded header).
    let address = peer.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |p| p.0 .0.ip());
    let ok = match sb.check_password(address, &f.username, &f.password).await {
        Ok(ok) => ok,
        Err(refusal) => {
            let (status, message, wait) = match refusal {
                SignInRefusal::Throttled(s) => {
                    (StatusCode::TOO_MANY_REQUESTS, "Too many wrong passwords. Wait a little, then try again.", s)
                }
                SignInRefusal::Busy => {
                    (StatusCode::SERVICE_UNAVAILABLE, "Too many sign-ins right now. Try again in a moment.", 5)
                }
            };
            let page = pages::login_page(&tid, &wid, &row.id, &token, &client, Some(message));
            let mut res = (status, Html(page)).into_response();
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return res;
        }
    };
    if !ok {
        let page = pages::login_page(&tid, &wid, &row.id, &token, &client, Some("Wrong username or password."));
        return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
    }
    let auth_time = now();
    match sb.store.authenticate_login(&row.id, &f.username, auth_time) {
        Ok(true) => {}
        Ok(false) => return expired_login_page(),
        Err(e) => return db_failure(e),
    }
    let profile = of(&sb, &wid);
    if let Err(e) = profile.on_sign_in(&sb, &request, &f.username, auth_time) {
        return db_failure(e);
    }
    let route = profile.consent_route(&request);
    if client.trusted && route.skip_if_trusted {
        let code = issue_code(&sb, &wid, &request, &f.username, auth_time, &request.scopes, None);
        let _ = sb.store.finish_login(&row.id, "authenticated");
        return match code {
            Ok(code) => client_redirect(&sb, &wid, &request.redirect_uri, &[("code", &code)], request.state.as_deref()),
            Err(r) => r,
        };
    }
    let mut consent = match url::Url::parse(&sb.consent_url) {
        Ok(u) => u,
        Err(e) => return db_failure(e),
    };
    consent.query_pairs_mut().append_pair("login_id", &row.id).append_pair("login_state", &row.login_state);
    if let Some(kind) = route.consent_type {
        consent.query_pairs_mut().append_pair("consent_type", kind);
    }
    Redirect::to(consent.as_str()).into_response()
}
