//! The sandbox's own HTML pages (sign-in, messages, demo application). Plain strings with
//! every dynamic value escaped; the sandbox is a test double, not the product.

use crate::sandbox::util::esc;
use crate::sandbox::workspace::ClientData;

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f1ea;color:#1f2328;margin:0}\
main{max-width:40rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
input[type=text],input[type=password]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #888;border-radius:6px;box-sizing:border-box}\
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:6px;border:0;background:#5b3cc4;color:#fff;cursor:pointer}\
.error{color:#a40e26;font-weight:600}.badge{display:inline-block;background:#ece6ff;padding:.1rem .5rem;border-radius:1rem;margin:.1rem}\
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.8rem;border-radius:6px;font-size:.85rem}\
.note{color:#555;font-size:.9rem}code{background:#f6f8fa;padding:0 .2rem}";

pub fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<link rel=\"icon\" href=\"data:,\"><title>{} · Sandbox</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        esc(title)
    )
}

pub fn message_page(title: &str, message: &str) -> String {
    layout(title, &format!("<h1>{}</h1><p>{}</p>", esc(title), esc(message)))
}

pub fn login_page(
    tid: &str,
    wid: &str,
    login_id: &str,
    csrf_token: &str,
    client: &ClientData,
    error: Option<&str>,
) -> String {
    let name = client.client_name.clone().unwrap_or_else(|| client.client_id.clone());
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e))).unwrap_or_default();
    layout(
        "Sign in",
        &format!(
            "<h1>Sign in to the sandbox</h1><p>to continue to <strong>{}</strong></p>{error}\
<form method=\"post\" action=\"/{}/{}/login\"><input type=\"hidden\" name=\"login_id\" value=\"{}\">\
<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
<label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required>\
<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
<button type=\"submit\">Sign in</button></form>\
<p class=\"note\">Sandbox users: <code>user</code>, <code>user2</code> … <code>user12</code>; password <code>p@ssword!</code></p>",
            esc(&name),
            esc(tid),
            esc(wid),
            esc(login_id),
            esc(csrf_token)
        ),
    )
}
