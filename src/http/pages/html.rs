//! The page layout. Every value that did not come from this file goes through [`esc`];
//! templates are `format!` strings whose arguments are either `esc(...)` or fragments
//! built the same way.
//!
//! The stylesheet is inline and allowed by its hash in the Content-Security-Policy, so
//! the pages need no second request and no `'unsafe-inline'`; there is no script at all.

use base64::Engine;
use std::sync::OnceLock;

pub use crate::protocol::authorize::response::html_escape as esc;

const CSS: &str = "\
:root{--fg:#111827;--muted:#4b5563;--bg:#f3f4f6;--card:#fff;--line:#d1d5db;--accent:#1d4ed8;--accent-dark:#1e40af;--danger:#991b1b}\
*{box-sizing:border-box}\
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\
.wrap{max-width:27rem;margin:0 auto;padding:2.5rem 1rem}\
main{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:2rem 1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}\
p{margin:0 0 1rem}\
.muted{color:var(--muted);font-size:.9375rem}\
.client{display:flex;align-items:center;gap:.75rem;margin:0 0 1.25rem}\
.client img{width:3rem;height:3rem;object-fit:contain;border-radius:.5rem;border:1px solid var(--line);flex:none}\
.client p,.client h1{margin:0}\
.client h1{font-size:1.25rem}\
.client strong{font-size:1.0625rem;overflow-wrap:anywhere}\
label{display:block;font-weight:600;margin:0 0 .25rem}\
input[type=email],input[type=password],input[type=text]{display:block;width:100%;padding:.625rem .75rem;font:inherit;color:inherit;background:#fff;border:1px solid #6b7280;border-radius:.5rem;margin:0 0 1rem}\
.check{display:flex;gap:.5rem;align-items:center;font-weight:400;margin:0 0 1.25rem}\
.check input{width:1.125rem;height:1.125rem;margin:0;accent-color:var(--accent)}\
.actions{display:flex;flex-wrap:wrap;gap:.75rem}\
button{flex:1 1 10rem;white-space:nowrap;padding:.6875rem 1rem;font:inherit;font-weight:600;border-radius:.5rem;border:1px solid var(--accent);cursor:pointer}\
.primary{background:var(--accent);color:#fff}\
.primary:hover{background:var(--accent-dark)}\
.secondary{background:#fff;color:var(--accent)}\
.secondary:hover{background:#eff6ff}\
:focus-visible{outline:3px solid #60a5fa;outline-offset:2px}\
.alert{border:1px solid #fca5a5;background:#fef2f2;color:var(--danger);padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}\
.scopes{list-style:none;padding:0;margin:0 0 1.25rem;border:1px solid var(--line);border-radius:.5rem}\
.scopes li{display:flex;justify-content:space-between;align-items:baseline;gap:.75rem;padding:.5rem .75rem;border-top:1px solid var(--line)}\
.scopes li:first-child{border-top:0}\
.scopes code{flex:none;max-width:45%}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;background:#f3f4f6;padding:.1em .3em;border-radius:.25rem;overflow-wrap:anywhere}\
a{color:var(--accent)}\
main>:last-child{margin-bottom:0}\
footer{margin-top:1.25rem;text-align:center;font-size:.8125rem;color:var(--muted)}\
.upstreams{display:flex;flex-direction:column;gap:.5rem;margin:1.5rem 0 0;padding:1.25rem 0 0;border-top:1px solid var(--line)}\
.upstreams p{margin:0}\
.upstreams button{flex:none;width:100%}\
button:disabled{opacity:.55;cursor:not-allowed}\
@media (max-width:30rem){.wrap{padding:1rem .75rem}main{padding:1.5rem 1.125rem}h1{font-size:1.375rem}}\
";

/// The `Content-Security-Policy` of every page: no script, no frames, only the inline
/// stylesheet above, and images (client logos) over http(s).
pub fn content_security_policy() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, CSS.as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src https: http: data:; \
             frame-ancestors 'none'; base-uri 'none'"
        )
    })
}

/// A whole page. `title` is escaped here; `body` must already be safe HTML.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{t}</title><style>{CSS}</style></head>\
         <body><div class=\"wrap\"><main>{body}</main>\
         <footer>Secured by Portcullis</footer></div></body></html>",
        t = esc(title)
    )
}

/// An error message for screen readers and eyes alike.
pub fn alert(message: &str) -> String {
    format!("<p class=\"alert\" role=\"alert\">{}</p>", esc(message))
}

/// A hidden form field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}

/// Only absolute http(s) URLs are shown as links or images; anything else (a
/// `javascript:` URL in a client's metadata, say) is left out.
pub fn safe_url(u: &str) -> Option<&str> {
    let parsed = url::Url::parse(u).ok()?;
    matches!(parsed.scheme(), "https" | "http").then_some(u)
}

/// The application's logo and name, as the login and consent pages show it.
pub fn client_header(lead: &str, name: &str, logo_uri: &str) -> String {
    let logo = safe_url(logo_uri)
        .map(|u| format!("<img src=\"{}\" alt=\"\">", esc(u)))
        .unwrap_or_default();
    format!(
        "<div class=\"client\">{logo}<div><p class=\"muted\">{}</p><p><strong>{}</strong></p></div></div>",
        esc(lead),
        esc(name)
    )
}

/// The consent page's title beside the application's logo.
pub fn client_title(title: &str, logo_uri: &str) -> String {
    let logo = safe_url(logo_uri)
        .map(|u| format!("<img src=\"{}\" alt=\"\">", esc(u)))
        .unwrap_or_default();
    format!("<div class=\"client\">{logo}<h1>{}</h1></div>", esc(title))
}
