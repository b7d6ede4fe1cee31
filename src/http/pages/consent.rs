//! The consent page (`/ui/consent?consent_challenge=`).
//!
//! GET: a request with `skip` (a remembered consent covering every requested scope) is
//! accepted at once; otherwise the page lists the client, its logo and the requested
//! scopes, with a "remember" box. POST: CSRF check, then accept or deny. Accepting
//! grants the requested scopes and audience, and puts the user's claims that those
//! scopes release into `session.id_token` ([`super::claims`]).

use super::csrf::{self, CsrfSession};
use super::html::{self, esc};
use super::login::display_name;
use super::{Ctx, UiReply};
use crate::model::flow::{ConsentRequest, RejectError};
use crate::model::Client;
use crate::paths::public::ui::CONSENT;
use crate::protocol::claims;
use crate::protocol::flow::consent::{AcceptConsent, ConsentSession};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    pub consent_challenge: String,
    pub csrf_token: String,
    pub remember: Option<String>,
    /// `allow` or `deny`.
    pub action: String,
}

#[tracing::instrument(skip_all)]
pub async fn show(ctx: &Ctx<'_>, challenge: &str) -> UiReply {
    if challenge.is_empty() {
        return UiReply::bad_request("The consent_challenge parameter is missing.");
    }
    let (req, client) = match ctx.pages.flow.get_consent(challenge).await {
        Ok(found) => found,
        Err(e) => return UiReply::from_flow(e),
    };
    if req.skip {
        // The remembered consent covers every requested scope (that is what `skip`
        // means), so granting the request grants nothing new. Not remembered again:
        // the original decision stays the one that counts, with its own expiry.
        return accept(ctx, challenge, &req, false, false).await;
    }
    page(ctx, challenge, &req, &client).await
}

#[tracing::instrument(skip_all)]
pub async fn submit(ctx: &Ctx<'_>, f: ConsentForm) -> UiReply {
    let challenge = f.consent_challenge.as_str();
    if challenge.is_empty() {
        return UiReply::bad_request("The consent_challenge field is missing.");
    }
    if !csrf::verify(ctx.cookies(), ctx.keys(), ctx.jar, challenge, &f.csrf_token) {
        return UiReply::csrf_failed();
    }
    if f.action != "allow" {
        let reject = RejectError {
            error: "access_denied".into(),
            error_description: "The resource owner denied the request".into(),
            ..RejectError::default()
        };
        return match ctx
            .pages
            .flow
            .handle_consent(challenge, Err(reject), ctx.now)
            .await
        {
            Ok(to) => UiReply::redirect(to, true),
            Err(e) => UiReply::from_flow(e),
        };
    }
    let (req, _) = match ctx.pages.flow.get_consent(challenge).await {
        Ok(found) => found,
        Err(e) => return UiReply::from_flow(e),
    };
    accept(ctx, challenge, &req, f.remember.is_some(), true).await
}

async fn accept(
    ctx: &Ctx<'_>,
    challenge: &str,
    req: &ConsentRequest,
    remember: bool,
    after_post: bool,
) -> UiReply {
    // A subject that is not in the directory (an external login app's) gets no claims.
    let id_token = match ctx.active_user(&req.subject).await {
        Ok(Some(user)) => claims::for_scopes(&user, &req.requested_scope),
        Ok(None) => Default::default(),
        Err(reply) => return reply,
    };
    let body = AcceptConsent {
        grant_scope: Some(req.requested_scope.clone()),
        grant_access_token_audience: Some(req.requested_audience.clone()),
        session: Some(ConsentSession {
            access_token: None,
            id_token: Some(id_token),
        }),
        remember,
        remember_for: if remember { ctx.remember_for() } else { 0 },
        ..AcceptConsent::default()
    };
    match ctx
        .pages
        .flow
        .handle_consent(challenge, Ok(body), ctx.now)
        .await
    {
        Ok(to) => UiReply::redirect(to, after_post),
        Err(e) => UiReply::from_flow(e),
    }
}

async fn page(ctx: &Ctx<'_>, challenge: &str, req: &ConsentRequest, client: &Client) -> UiReply {
    let who = match ctx.active_user(&req.subject).await {
        Ok(Some(u)) => u.email,
        Ok(None) => req.subject.clone(),
        Err(reply) => return reply,
    };
    let session = CsrfSession::from_jar(ctx.cookies(), ctx.jar);
    let token = session.token(ctx.keys(), challenge);
    let name = display_name(client);
    let title = format!("Allow {name} to access your account?");
    let scopes: String = req.requested_scope.iter().map(|s| scope_item(s)).collect();
    let scopes = if scopes.is_empty() {
        "<p>No access to your account beyond signing you in.</p>".to_string()
    } else {
        format!("<p>It will be able to:</p><ul class=\"scopes\">{scopes}</ul>")
    };
    let body = format!(
        "{header}<p class=\"muted\">Signed in as <strong>{who}</strong></p>{scopes}{links}\
         <form method=\"post\" action=\"{action}\">{c}{t}\
         <label class=\"check\"><input type=\"checkbox\" name=\"remember\" value=\"1\"> Remember this decision</label>\
         <div class=\"actions\">\
         <button class=\"primary\" type=\"submit\" name=\"action\" value=\"allow\">Allow</button>\
         <button class=\"secondary\" type=\"submit\" name=\"action\" value=\"deny\">Deny</button>\
         </div></form>",
        header = html::client_title(&title, &client.logo_uri),
        who = esc(&who),
        links = links(client),
        action = esc(&ctx.url(CONSENT)),
        c = html::hidden("consent_challenge", challenge),
        t = html::hidden(csrf::FIELD, &token),
    );
    UiReply::html(200, html::page(&title, &body)).with_cookies(session.set_cookies)
}

fn scope_item(scope: &str) -> String {
    match claims::describe(scope) {
        Some(d) => format!(
            "<li><span>{}</span><code>{}</code></li>",
            esc(d),
            esc(scope)
        ),
        None => format!("<li><code>{}</code></li>", esc(scope)),
    }
}

/// The client's policy and terms, when it registered http(s) links to them.
fn links(client: &Client) -> String {
    let mut out = Vec::new();
    for (uri, label) in [
        (&client.policy_uri, "Privacy policy"),
        (&client.tos_uri, "Terms of service"),
    ] {
        if let Some(u) = html::safe_url(uri) {
            out.push(format!(
                "<a href=\"{}\" rel=\"noopener noreferrer\">{label}</a>",
                esc(u)
            ));
        }
    }
    if out.is_empty() {
        String::new()
    } else {
        format!("<p class=\"muted\">{}</p>", out.join(" · "))
    }
}
