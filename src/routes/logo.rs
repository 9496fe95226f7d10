//! `/logo?u=…&m=…`: an application's logo, from Assent's origin (`server::logos`). A link
//! Assent did not make, or a logo that cannot be had as an image, is a 404 without a body
//! (the logo's box stays empty; its `alt` is empty, as the name is beside it); one not had in
//! time, a 503 nobody keeps.

use super::pages;
use crate::server::AppState;
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};

pub async fn logo(State(state): State<AppState>, uri: Uri) -> Response {
    let query = pages::query_of(&uri);
    let (Some(url), Some(m)) = (pages::field(&query, "u"), pages::field(&query, "m")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !state.logos.verify(&url, &m) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let image = match state.logos.get(&url).await {
        Ok(Some(image)) => image,
        Ok(None) => return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "public, max-age=300")]).into_response(),
        // Not known yet: no cache may keep this answer for a logo that may come in a moment.
        Err(_late) => return (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")]).into_response(),
    };
    let mut response = image.bytes.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(image.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    // Opened on its own, an SVG runs nothing and loads nothing; styles inside it still apply.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"),
    );
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    response
}
