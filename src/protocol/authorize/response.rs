//! Writing an authorization response or error to the client (RFC 6749 §4.1.2,
//! OAuth 2.0 Multiple Response Types §2, Form Post Response Mode, RFC 9207).

use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

impl ResponseMode {
    pub fn parse(s: &str) -> Option<ResponseMode> {
        match s {
            "query" => Some(ResponseMode::Query),
            "fragment" => Some(ResponseMode::Fragment),
            "form_post" => Some(ResponseMode::FormPost),
            _ => None,
        }
    }
}

/// What the browser should be given.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientResponse {
    /// 302 to this URL.
    Redirect(String),
    /// 200 with a page that POSTs `fields` to `action`.
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

/// Encodes `params` for `redirect_uri` in `mode`. Any fragment of the redirect URI is
/// dropped; in query mode the parameters replace same-named ones already in its query.
pub fn encode(
    redirect_uri: &Url,
    mode: ResponseMode,
    params: &[(String, String)],
) -> ClientResponse {
    let mut uri = redirect_uri.clone();
    uri.set_fragment(None);
    match mode {
        ResponseMode::FormPost => ClientResponse::FormPost {
            action: uri.to_string(),
            fields: params.to_vec(),
        },
        ResponseMode::Fragment => {
            let encoded = serde_urlencoded::to_string(params).unwrap_or_default();
            ClientResponse::Redirect(format!("{uri}#{encoded}"))
        }
        ResponseMode::Query => ClientResponse::Redirect(merge_query(&uri, params).to_string()),
    }
}

/// `uri` with `params` set in its query, replacing existing values of the same names.
pub fn merge_query(uri: &Url, params: &[(String, String)]) -> Url {
    let mut out = uri.clone();
    let kept: Vec<(String, String)> = uri
        .query_pairs()
        .filter(|(k, _)| !params.iter().any(|(p, _)| p == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    out.set_query(None);
    if !kept.is_empty() || !params.is_empty() {
        let mut q = out.query_pairs_mut();
        for (k, v) in kept.iter().chain(params.iter()) {
            q.append_pair(k, v);
        }
    }
    out
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The auto-submitting page of the `form_post` response mode.
pub fn form_post_page(action: &str, fields: &[(String, String)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
                html_escape(k),
                html_escape(v)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>Submit This Form</title></head>\
         <body onload=\"javascript:document.forms[0].submit()\">\
         <form method=\"post\" action=\"{}\">{}<noscript><button type=\"submit\">Continue</button></noscript></form>\
         </body></html>",
        html_escape(action),
        inputs
    )
}

/// Loads every front-channel logout URL in a hidden iframe, then continues to
/// `redirect_to` once all have loaded (or after a few seconds regardless).
pub fn frontchannel_page(urls: &[String], redirect_to: &str) -> String {
    let frames: String = urls
        .iter()
        .map(|u| {
            format!(
                "<iframe src=\"{}\" style=\"display:none\" onload=\"loaded()\"></iframe>",
                html_escape(u)
            )
        })
        .collect();
    let target = html_escape(redirect_to);
    // The target is passed to the script through an attribute, never spliced into code.
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Logging out</title>\
         <meta http-equiv=\"refresh\" content=\"7; url={target}\"></head>\
         <body data-next=\"{target}\"><p>Logging out&hellip; <a href=\"{target}\">Continue</a></p>\
         <script>var left = {n};\
         function loaded() {{ left -= 1; if (left <= 0) {{ window.location.replace(document.body.getAttribute('data-next')); }} }}\
         </script>{frames}</body></html>",
        n = urls.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(xs: &[(&str, &str)]) -> Vec<(String, String)> {
        xs.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn query_mode_merges_and_overrides_existing_parameters() {
        let u = Url::parse("https://a.example/cb?x=1&state=old#frag").unwrap();
        let r = encode(
            &u,
            ResponseMode::Query,
            &p(&[("code", "c d"), ("state", "s")]),
        );
        assert_eq!(
            r,
            ClientResponse::Redirect("https://a.example/cb?x=1&code=c+d&state=s".into())
        );
    }

    #[test]
    fn fragment_mode_replaces_the_fragment() {
        let u = Url::parse("https://a.example/cb?x=1#frag").unwrap();
        let r = encode(&u, ResponseMode::Fragment, &p(&[("error", "e")]));
        assert_eq!(
            r,
            ClientResponse::Redirect("https://a.example/cb?x=1#error=e".into())
        );
    }

    #[test]
    fn form_post_pages_escape_everything() {
        let html = form_post_page(
            "https://a.example/cb?a=1&b=\"2\"",
            &p(&[("state", "<script>'x'</script>")]),
        );
        assert!(html.contains("action=\"https://a.example/cb?a=1&amp;b=&quot;2&quot;\""));
        assert!(html.contains("value=\"&lt;script&gt;&#39;x&#39;&lt;/script&gt;\""));
        assert!(!html.contains("<script>"));
    }
}
