//! The System Identity API's users of a pool (reference §1d (4)), under
//! `/api/identity/{tid}/system/pools/{ipID}/users`: create (201), read, update (status, payload,
//! metadata) and list (`limit`, `after_user_id`, `query`), with a System-workspace token
//! carrying `identity`. Errors have the common `Error` shape: 404 for an unknown pool or user,
//! 409 when an identifier is another user's, 413 for a user over [`MAX_BODY`], 400 for a body
//! or query that does not read.

use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, db_failure, system_token};
use crate::sandbox::identity::query;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::PoolUserRow;
use crate::sandbox::util::{now, random_token};
use crate::wire::{NewPoolUser, PoolUser, PoolUsers, UpdatePoolUser};
use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The scope a System-workspace token needs.
pub const IDENTITY_SCOPE: &str = "identity";
/// The largest body of a user accepted (413 above).
pub const MAX_BODY: usize = 64 * 1024;
/// `limit` when none is asked, and the most one page holds.
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;
/// A user's statuses.
const STATUSES: [&str; 4] = ["active", "inactive", "deleted", "new"];

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/api/identity/{tid}/system/pools/{pool}/users", get(list).post(create))
        .route("/api/identity/{tid}/system/pools/{pool}/users/{user}", get(read).put(update))
}

/// The token, the tenant and the pool of a request: `Ok`, or the answer that refuses it.
fn check(sb: &Sandbox, headers: &HeaderMap, tid: &str, pool: &str) -> Result<(), Response> {
    system_token(sb, headers, IDENTITY_SCOPE)?;
    let known = sb.workspaces().any(|(_, w)| w.identity_pool.as_deref() == Some(pool));
    if tid != TENANT || !known {
        return Err(api_error(StatusCode::NOT_FOUND, "identity pool not found", "not_found"));
    }
    Ok(())
}

fn user_not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "user not found", "not_found")
}

/// A body of at most [`MAX_BODY`], read as `T`.
async fn read_body<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Response> {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Err(api_error(StatusCode::PAYLOAD_TOO_LARGE, "the user is too large", "entity_too_large"));
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| api_error(StatusCode::BAD_REQUEST, &format!("the body does not read: {e}"), "invalid_request"))
}

fn check_status(status: &str) -> Result<(), Response> {
    if STATUSES.contains(&status) {
        Ok(())
    } else {
        Err(api_error(StatusCode::BAD_REQUEST, "status must be active, inactive, deleted or new", "invalid_request"))
    }
}

fn time(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

fn user(row: PoolUserRow) -> PoolUser {
    PoolUser {
        payload: object(&row.payload),
        metadata: object(&row.metadata),
        identifiers: serde_json::from_str(&row.identifiers).unwrap_or_default(),
        created_at: time(row.created_at),
        updated_at: time(row.updated_at),
        id: row.id,
        pool_id: row.pool_id,
        status: row.status,
    }
}

/// A user id as the platform makes them: a random UUID (version 4).
fn new_id() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    let mut b = URL_SAFE_NO_PAD.decode(random_token(16)).unwrap_or_else(|_| vec![0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// `POST …/users`: 201 with the user; 409 when an identifier is another user's.
async fn create(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, pool)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = check(&sb, &headers, &tid, &pool) {
        return r;
    }
    let new: NewPoolUser = match read_body(body).await {
        Ok(new) => new,
        Err(r) => return r,
    };
    if let Err(r) = check_status(&new.status) {
        return r;
    }
    let identifiers: Vec<String> = new.identifiers.iter().map(|i| i.identifier.clone()).collect();
    if identifiers.iter().any(|i| i.is_empty() || i.len() > 256) {
        return api_error(StatusCode::BAD_REQUEST, "an identifier is 1 to 256 characters", "invalid_request");
    }
    let at = now();
    let row = PoolUserRow {
        id: new_id(),
        pool_id: pool,
        status: new.status,
        payload: Value::Object(new.payload).to_string(),
        metadata: Value::Object(new.metadata).to_string(),
        identifiers: serde_json::to_string(&new.identifiers).unwrap_or_else(|_| "[]".into()),
        created_at: at,
        updated_at: at,
    };
    match sb.store.insert_pool_user(&row, &identifiers) {
        Ok(true) => (StatusCode::CREATED, Json(user(row))).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "an identifier is another user's", "conflict"),
        Err(e) => db_failure(e),
    }
}

/// `GET …/users/{userID}`.
async fn read(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, pool, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&sb, &headers, &tid, &pool) {
        return r;
    }
    match sb.store.pool_user(&pool, &id) {
        Ok(Some(row)) => Json(user(row)).into_response(),
        Ok(None) => user_not_found(),
        Err(e) => db_failure(e),
    }
}

/// `PUT …/users/{userID}`: the user's status, payload and metadata replaced; 200 with it.
async fn update(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, pool, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = check(&sb, &headers, &tid, &pool) {
        return r;
    }
    let change: UpdatePoolUser = match read_body(body).await {
        Ok(change) => change,
        Err(r) => return r,
    };
    if let Err(r) = check_status(&change.status) {
        return r;
    }
    let (payload, metadata) = (Value::Object(change.payload).to_string(), Value::Object(change.metadata).to_string());
    match sb.store.update_pool_user(&pool, &id, &change.status, &payload, &metadata, now()) {
        Ok(true) => match sb.store.pool_user(&pool, &id) {
            Ok(Some(row)) => Json(user(row)).into_response(),
            Ok(None) => user_not_found(),
            Err(e) => db_failure(e),
        },
        Ok(false) => user_not_found(),
        Err(e) => db_failure(e),
    }
}

/// `GET …/users?limit=&after_user_id=&query=`: the pool's users in the order they were
/// created, those matching `query`, a page of at most `limit` after `after_user_id`.
async fn list(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, pool)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&sb, &headers, &tid, &pool) {
        return r;
    }
    let bad = |m: &str| api_error(StatusCode::BAD_REQUEST, m, "invalid_request");
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(n @ 1..=MAX_LIMIT)) => n,
        Some(_) => return bad("limit must be a number from 1 to 100"),
    };
    let query = match q.get("query").filter(|s| !s.is_empty()).map(|s| query::parse(s)) {
        None => Map::new(),
        Some(Ok(query)) => query,
        Some(Err(e)) => return bad(&e),
    };
    let rows = match sb.store.pool_users_after(&pool, q.get("after_user_id").map(String::as_str)) {
        Ok(Some(rows)) => rows,
        Ok(None) => return bad("after_user_id is not a user of this pool"),
        Err(e) => return db_failure(e),
    };
    let users =
        rows.into_iter().map(user).filter(|u| query::matches(&query, &u.payload, &u.metadata)).take(limit).collect();
    Json(PoolUsers { users }).into_response()
}
