//! The login page (`/ui/login?login_challenge=`).
//!
//! GET: a request with `skip` (a remembered session) is accepted at once for its
//! subject, provided that user still exists and is enabled; a request naming an
//! upstream provider (`idp_hint`) goes straight to it; otherwise the email and password
//! form beside one button per upstream provider (`upstream.rs`). POST: checks the CSRF
//! token, then either starts the upstream sign-in of the button pressed, or checks the
//! password with `Users::authenticate` and accepts the login with `subject = user.id`.
//! Every wrong email, wrong password or disabled account gets the same message; a
//! throttled one gets 429 with `Retry-After`.

use super::csrf::{self, CsrfSession};
use super::html::{self, esc};
use super::upstream::{self, buttons, notice_message};
use super::{Ctx, UiReply};
use crate::model::flow::{LoginRequest, RejectError};
use crate::model::Client;
use crate::paths::public::ui::LOGIN;
use crate::protocol::flow::login::AcceptLogin;
use crate::secret::Secret;
use crate::service::users::LoginError;
use serde::Deserialize;
use std::net::IpAddr;

/// The one message for every failed login.
pub const INVALID: &str = "The email address or password is incorrect.";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub login_challenge: String,
    pub csrf_token: String,
    pub email: String,
    pub password: Secret,
    /// Present (any value) when the box is ticked.
    pub remember: Option<String>,
    /// `login` or `cancel`.
    pub action: String,
    /// The upstream provider whose button was pressed.
    pub upstream: String,
}

/// `notice`: a code the upstream sign-in sent the browser back with (`cancelled`, …).
#[tracing::instrument(skip_all)]
pub async fn show(ctx: &Ctx<'_>, challenge: &str, notice: &str) -> UiReply {
    if challenge.is_empty() {
        return UiReply::bad_request("The login_challenge parameter is missing.");
    }
    let (req, client) = match ctx.pages.flow.get_login(challenge).await {
        Ok(found) => found,
        Err(e) => return UiReply::from_flow(e),
    };
    if req.skip {
        return skip(ctx, challenge, &req).await;
    }
    if notice.is_empty() {
        if let Some(reply) = upstream::hinted(ctx, challenge, &req).await {
            return reply;
        }
    }
    let email = req.oidc_context.login_hint.clone();
    form(ctx, challenge, &client, &email, notice_message(notice), 200).await
}

/// A remembered session: accept for its subject, unless the account is gone or disabled.
async fn skip(ctx: &Ctx<'_>, challenge: &str, req: &LoginRequest) -> UiReply {
    let decision = match ctx.active_user(&req.subject).await {
        Ok(Some(_)) => Ok(AcceptLogin {
            subject: req.subject.clone(),
            remember: true,
            remember_for: ctx.remember_for(),
            ..AcceptLogin::default()
        }),
        Ok(None) => Err(RejectError {
            error: "access_denied".into(),
            error_description: "The account of this session is disabled or no longer exists."
                .into(),
            ..RejectError::default()
        }),
        Err(reply) => return reply,
    };
    decide(ctx, challenge, decision, false).await
}

#[tracing::instrument(skip_all)]
pub async fn submit(ctx: &Ctx<'_>, f: LoginForm, client_addr: IpAddr) -> UiReply {
    let challenge = f.login_challenge.as_str();
    if challenge.is_empty() {
        return UiReply::bad_request("The login_challenge field is missing.");
    }
    let cookies = ctx.cookies();
    if !csrf::verify(cookies, ctx.keys(), ctx.jar, challenge, &f.csrf_token) {
        return UiReply::csrf_failed();
    }
    if f.action == "cancel" {
        let reject = RejectError {
            error: "access_denied".into(),
            error_description: "The resource owner denied the request".into(),
            ..RejectError::default()
        };
        return decide(ctx, challenge, Err(reject), true).await;
    }
    if !f.upstream.is_empty() {
        return upstream::start(ctx, challenge, &f.upstream, f.remember.is_some(), true).await;
    }
    if !ctx.pages.cfg.password_login {
        return UiReply::bad_request("Signing in with a password is turned off here.");
    }
    let (_, client) = match ctx.pages.flow.get_login(challenge).await {
        Ok(found) => found,
        Err(e) => return UiReply::from_flow(e),
    };
    let user = ctx
        .pages
        .users
        .authenticate(f.email.trim(), &f.password, client_addr, ctx.now)
        .await;
    let user = match user {
        Ok(u) => u,
        Err(LoginError::InvalidCredentials) => {
            return form(ctx, challenge, &client, &f.email, Some(INVALID), 400).await
        }
        Err(LoginError::Throttled { retry_after_secs }) => {
            let minutes = retry_after_secs.div_ceil(60);
            let msg = format!(
                "Too many failed attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            );
            let mut r = form(ctx, challenge, &client, &f.email, Some(&msg), 429).await;
            r.retry_after = Some(retry_after_secs);
            return r;
        }
        Err(LoginError::Unavailable) => return UiReply::unavailable(),
        Err(LoginError::Internal(e)) => return UiReply::internal(e),
    };
    let accept = AcceptLogin {
        subject: user.id.to_string(),
        remember: f.remember.is_some(),
        remember_for: ctx.remember_for(),
        ..AcceptLogin::default()
    };
    decide(ctx, challenge, Ok(accept), true).await
}

async fn decide(
    ctx: &Ctx<'_>,
    challenge: &str,
    decision: Result<AcceptLogin, RejectError>,
    after_post: bool,
) -> UiReply {
    match ctx
        .pages
        .flow
        .handle_login(challenge, decision, ctx.now)
        .await
    {
        Ok(to) => UiReply::redirect(to, after_post),
        Err(e) => UiReply::from_flow(e),
    }
}

/// The page: the email and password form (unless `identity.ui.password_login` is off)
/// and a button per upstream provider, all in one form so that its CSRF token and
/// "keep me signed in" apply to every way of signing in.
pub(super) async fn form(
    ctx: &Ctx<'_>,
    challenge: &str,
    client: &Client,
    email: &str,
    error: Option<&str>,
    status: u16,
) -> UiReply {
    let session = CsrfSession::from_jar(ctx.cookies(), ctx.jar);
    let token = session.token(ctx.keys(), challenge);
    let providers = buttons(ctx).await;
    let password = ctx.pages.cfg.password_login;
    let fields = if password {
        format!(
            "<label for=\"email\">Email address</label>\
             <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required{focus_email} value=\"{email}\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{focus_password}>",
            email = esc(email),
            focus_email = if email.is_empty() { " autofocus" } else { "" },
            focus_password = if email.is_empty() { "" } else { " autofocus" },
        )
    } else {
        String::new()
    };
    let sign_in = if password {
        "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"login\">Sign in</button>"
    } else {
        ""
    };
    let body = format!(
        "{header}<h1>Sign in</h1>{alert}\
         <form method=\"post\" action=\"{action}\">{c}{t}{fields}\
         <label class=\"check\"><input type=\"checkbox\" name=\"remember\" value=\"1\"> Keep me signed in on this device</label>\
         <div class=\"actions\">{sign_in}\
         <button class=\"secondary\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\
         </div>{providers}</form>",
        header = html::client_header(
            "Sign in to continue to",
            display_name(client),
            &client.logo_uri
        ),
        alert = error.map(html::alert).unwrap_or_default(),
        action = esc(&ctx.url(LOGIN)),
        c = html::hidden("login_challenge", challenge),
        t = html::hidden(csrf::FIELD, &token),
    );
    UiReply::html(status, html::page("Sign in", &body)).with_cookies(session.set_cookies)
}

/// The client's name, or its id when it has none.
pub fn display_name(client: &Client) -> &str {
    if client.client_name.trim().is_empty() {
        &client.client_id
    } else {
        &client.client_name
    }
}
