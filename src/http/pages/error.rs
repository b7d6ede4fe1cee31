//! The error page (`/ui/error?error=&error_description=&error_hint=`), usable as
//! `urls.error`: the flow sends the browser here when it cannot answer the client.

use super::html::{self, esc};
use super::UiReply;

/// Renders the error named by the query pairs (other pairs are ignored).
pub fn show<'a>(query: impl IntoIterator<Item = (&'a str, &'a str)>) -> UiReply {
    let (mut error, mut description, mut hint) = ("", "", "");
    for (k, v) in query {
        match k {
            "error" => error = v,
            "error_description" => description = v,
            "error_hint" => hint = v,
            _ => {}
        }
    }
    let description = if description.is_empty() {
        "The request could not be completed."
    } else {
        description
    };
    let hint = if hint.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", esc(hint))
    };
    let code = if error.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"muted\">Error code: <code>{}</code></p>",
            esc(error)
        )
    };
    let body = format!(
        "<h1>Something went wrong</h1><p>{}</p>{hint}{code}\
         <p class=\"muted\">Go back to the application you came from and start again.</p>",
        esc(description)
    );
    UiReply::html(200, html::page("Something went wrong", &body))
}
