//! The logout page (`/ui/logout?logout_challenge=`): asks whether to sign out. Yes
//! accepts the logout request (the flow then ends the session, notifies the clients and
//! sends the browser on); no rejects it and says the session is kept.

use super::csrf::{self, CsrfSession};
use super::html::{self, esc};
use super::{Ctx, UiReply};
use crate::paths::public::ui::LOGOUT;
use crate::protocol::flow::cookies::{session_id_from, AUTH_SESSION};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogoutForm {
    pub logout_challenge: String,
    pub csrf_token: String,
    /// `logout` or `stay`.
    pub action: String,
}

#[tracing::instrument(skip_all)]
pub async fn show(ctx: &Ctx<'_>, challenge: &str) -> UiReply {
    if challenge.is_empty() {
        return UiReply::bad_request("The logout_challenge parameter is missing.");
    }
    let req = match ctx.pages.flow.get_logout(challenge).await {
        Ok(r) => r,
        Err(e) => return UiReply::from_flow(e),
    };
    // The account is named only to the browser whose session this logout ends: a
    // challenge link opened anywhere else shows no personal data.
    let own = ctx
        .cookies()
        .read(ctx.jar, AUTH_SESSION)
        .is_some_and(|p| session_id_from(&p, ctx.now) == Some(req.sid.as_str()));
    let who = match if own {
        ctx.active_user(&req.subject).await
    } else {
        Ok(None)
    } {
        Ok(Some(u)) => format!(
            "<p class=\"muted\">Signed in as <strong>{}</strong></p>",
            esc(&u.email)
        ),
        Ok(None) => String::new(),
        Err(reply) => return reply,
    };
    let session = CsrfSession::from_jar(ctx.cookies(), ctx.jar);
    let token = session.token(ctx.keys(), challenge);
    let body = format!(
        "<h1>Sign out?</h1>{who}\
         <p>You will be signed out of this server and of the applications that use it.</p>\
         <form method=\"post\" action=\"{action}\">{c}{t}\
         <div class=\"actions\">\
         <button class=\"primary\" type=\"submit\" name=\"action\" value=\"logout\">Sign out</button>\
         <button class=\"secondary\" type=\"submit\" name=\"action\" value=\"stay\">Stay signed in</button>\
         </div></form>",
        action = esc(&ctx.url(LOGOUT)),
        c = html::hidden("logout_challenge", challenge),
        t = html::hidden(csrf::FIELD, &token),
    );
    UiReply::html(200, html::page("Sign out?", &body)).with_cookies(session.set_cookies)
}

#[tracing::instrument(skip_all)]
pub async fn submit(ctx: &Ctx<'_>, f: LogoutForm) -> UiReply {
    let challenge = f.logout_challenge.as_str();
    if challenge.is_empty() {
        return UiReply::bad_request("The logout_challenge field is missing.");
    }
    if !csrf::verify(ctx.cookies(), ctx.keys(), ctx.jar, challenge, &f.csrf_token) {
        return UiReply::csrf_failed();
    }
    if f.action == "logout" {
        return match ctx.pages.flow.accept_logout(challenge).await {
            Ok(to) => UiReply::redirect(to, true),
            Err(e) => UiReply::from_flow(e),
        };
    }
    match ctx.pages.flow.reject_logout(challenge).await {
        Ok(()) => UiReply::html(
            200,
            html::page(
                "You are still signed in",
                "<h1>You are still signed in</h1><p>Nothing was changed. You can close this window.</p>",
            ),
        ),
        Err(e) => UiReply::from_flow(e),
    }
}
