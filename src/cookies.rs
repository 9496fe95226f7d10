//! Reading and setting cookies: the ground floor that Assent's server and the sandbox share.

use axum::http::{header, HeaderMap, HeaderValue};

/// The value of a cookie in a request.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

/// A `Set-Cookie` value: HttpOnly, path `/`, and `Secure` over https. `max_age` 0 deletes it.
pub fn cookie_header(name: &str, value: &str, max_age: i64, same_site: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"))
        .ok()
}
