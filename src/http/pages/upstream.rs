//! Signing in through upstream providers on the login page: the buttons, the start
//! (button, `idp_hint`, or a headless login app's redirect), the page for the
//! provider's redirect back, and the return from the provider's logout.

use super::html::esc;
use super::login::form;
use super::{Ctx, UiReply};
use crate::model::flow::LoginRequest;
use crate::service::federation::start::StartError;
use crate::service::federation::{CallbackParams, Outcome};
use crate::service::upstreams::Status;

/// The provider buttons, after the password form. An unavailable provider's button is
/// disabled, with the reason.
pub async fn buttons(ctx: &Ctx<'_>) -> String {
    let fed = &ctx.pages.federation;
    let providers = match fed.registry.list().await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list identity providers for the login page");
            return String::new();
        }
    };
    if providers.is_empty() {
        return String::new();
    }
    let mut out = String::from("<div class=\"upstreams\"><p class=\"muted\">Or sign in with</p>");
    for p in providers {
        let name = esc(&p.def.display_name);
        match fed.registry.status_now(&p.def) {
            Status::Unavailable(_) => out.push_str(&format!(
                "<button class=\"secondary\" type=\"button\" disabled>{name}</button>\
                 <p class=\"muted\">{name} is unavailable right now. Try again in a moment.</p>"
            )),
            Status::Ok | Status::Unknown => out.push_str(&format!(
                "<button class=\"secondary\" type=\"submit\" name=\"upstream\" value=\"{id}\" formnovalidate>{name}</button>",
                id = esc(&p.def.id)
            )),
        }
    }
    out.push_str("</div>");
    out
}

/// What the login page says for a code the upstream sign-in sent back.
pub fn notice_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "cancelled" => "Signing in at the identity provider was cancelled.",
        "domain_not_allowed" => "Accounts of your email domain may not sign in here.",
        "group_not_allowed" => "Your account is not in a group that may sign in here.",
        "email_missing" => "The identity provider did not share a verified email address, which signing in here needs.",
        "email_taken" => "An account with your email address exists already. An administrator must link it to your identity provider account before you can use it to sign in.",
        "no_account" => "There is no account for you here yet. Ask an administrator for one.",
        "disabled" => "Your account is disabled.",
        "no_subject" => "The identity provider did not say who you are.",
        _ => return None,
    })
}

/// The provider a client named in its authorization request (`idp_hint`, or Keycloak's
/// `kc_idp_hint`), which skips the page.
pub async fn hinted(ctx: &Ctx<'_>, challenge: &str, req: &LoginRequest) -> Option<UiReply> {
    let url = url::Url::parse(&req.request_url).ok()?;
    let id = url
        .query_pairs()
        .find(|(k, v)| (k == "idp_hint" || k == "kc_idp_hint") && !v.is_empty())?
        .1
        .into_owned();
    let known = ctx.pages.federation.registry.get(&id).await.ok()??;
    Some(start(ctx, challenge, &known.def.id, false, false).await)
}

/// Starts the sign-in at provider `id` (303 after the form, 302 otherwise).
pub async fn start(
    ctx: &Ctx<'_>,
    challenge: &str,
    id: &str,
    remember: bool,
    after_post: bool,
) -> UiReply {
    let fed = &ctx.pages.federation;
    match fed.start(id, challenge, remember, ctx.jar, ctx.now).await {
        Ok(s) => UiReply::redirect(s.location, after_post).with_cookies(s.cookies),
        Err(StartError::Flow(e)) => UiReply::from_flow(e),
        Err(StartError::UnknownProvider) => UiReply::error(
            404,
            "This sign-in option does not exist",
            "The identity provider asked for is not configured here.",
        ),
        Err(StartError::Unavailable(reason)) => {
            tracing::warn!(provider = %id, %reason, "identity provider unavailable at sign-in");
            match ctx.pages.flow.get_login(challenge).await {
                Ok((_, client)) => {
                    let msg = "This identity provider is unavailable right now. Try again in a moment, or sign in another way.";
                    form(ctx, challenge, &client, "", Some(msg), 400).await
                }
                Err(e) => UiReply::from_flow(e),
            }
        }
    }
}

/// The provider's redirect back.
pub async fn callback(ctx: &Ctx<'_>, id: &str, q: &CallbackParams) -> (UiReply, &'static str) {
    let outcome = ctx.pages.federation.callback(id, q, ctx.jar, ctx.now).await;
    let label = outcome.label();
    let reply = match outcome {
        Outcome::Accepted { redirect_to } | Outcome::Rejected { redirect_to } => {
            UiReply::redirect(redirect_to, false)
        }
        Outcome::Notice { location, .. } => UiReply::redirect(location, false),
        Outcome::Failed(_) => UiReply::error(
            400,
            "Sign-in failed",
            "Signing in through the identity provider did not work. Go back to the application and try again.",
        ),
        Outcome::BadState(_) => UiReply::error(
            400,
            "This sign-in cannot be completed",
            "The answer from the identity provider does not belong to a sign-in started in this browser, or it was used already.",
        ),
    };
    (reply, label)
}

/// The provider's logout sent the browser back: on to where the logout was going.
pub async fn logout_callback(ctx: &Ctx<'_>, id: &str, state: &str) -> UiReply {
    match ctx
        .pages
        .federation
        .logout
        .finish(id, state, ctx.now)
        .await
    {
        Ok(Some(to)) => UiReply::redirect(to, false),
        Ok(None) => UiReply::error(
            400,
            "This logout cannot be completed",
            "The answer from the identity provider does not belong to a logout in progress, or it was used already.",
        ),
        Err(e) => UiReply::internal(e),
    }
}
