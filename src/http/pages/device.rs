//! The built-in `urls.device.verification` and `urls.device.success` pages
//! (`/ui/device?device_challenge=…[&user_code=…]`, `/ui/device/done`).
//!
//! GET shows a form asking for the code shown on the device (pre-filled from
//! `verification_uri_complete`); opened without a challenge, it sends the browser to
//! `/oauth2/device/verify` for one. POST: CSRF check, then the same acceptance the admin
//! API offers login apps (`Flow::accept_device`, throttled per challenge and per
//! address); a wrong code shows the form again, a right one continues to the normal
//! login and consent.

use super::csrf::{self, CsrfSession};
use super::html::{self, esc};
use super::{Ctx, UiReply};
use crate::paths::public::ui::DEVICE;
use crate::paths::public::DEVICE_VERIFY;
use crate::service::flow::FlowError;
use serde::Deserialize;
use std::net::IpAddr;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeviceForm {
    pub device_challenge: String,
    pub csrf_token: String,
    pub user_code: String,
}

pub fn show(ctx: &Ctx<'_>, challenge: &str, user_code: &str) -> UiReply {
    if challenge.is_empty() {
        // Opened directly (a typed or bookmarked URL): get a challenge first.
        let mut to = ctx.url(DEVICE_VERIFY);
        if !user_code.is_empty() {
            to = format!(
                "{to}?{}",
                serde_urlencoded::to_string([("user_code", user_code)]).unwrap_or_default()
            );
        }
        return UiReply::redirect(to, false);
    }
    page(ctx, challenge, user_code, None, 200)
}

#[tracing::instrument(skip_all)]
pub async fn submit(ctx: &Ctx<'_>, f: DeviceForm, client_addr: IpAddr) -> UiReply {
    let challenge = f.device_challenge.as_str();
    if challenge.is_empty() {
        return UiReply::bad_request("The device_challenge field is missing.");
    }
    if !csrf::verify(ctx.cookies(), ctx.keys(), ctx.jar, challenge, &f.csrf_token) {
        return UiReply::csrf_failed();
    }
    match ctx
        .pages
        .flow
        .accept_device(challenge, &f.user_code, Some(client_addr), ctx.now)
        .await
    {
        Ok(to) => UiReply::redirect(to, true),
        Err(FlowError::Invalid(_)) => page(
            ctx,
            challenge,
            &f.user_code,
            Some("That code is not valid or has expired. Check the code on your device."),
            400,
        ),
        Err(e) => UiReply::from_flow(e),
    }
}

fn page(
    ctx: &Ctx<'_>,
    challenge: &str,
    user_code: &str,
    error: Option<&str>,
    status: u16,
) -> UiReply {
    let session = CsrfSession::from_jar(ctx.cookies(), ctx.jar);
    let token = session.token(ctx.keys(), challenge);
    let body = format!(
        "<h1>Connect a device</h1>{alert}\
         <p>Enter the code shown on your device.</p>\
         <form method=\"post\" action=\"{action}\">{c}{t}\
         <label for=\"user_code\">Code</label>\
         <input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{code}\" \
         autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" required autofocus>\
         <div class=\"actions\">\
         <button class=\"primary\" type=\"submit\">Continue</button>\
         </div></form>",
        alert = error.map(html::alert).unwrap_or_default(),
        action = esc(&ctx.url(DEVICE)),
        code = esc(user_code),
        c = html::hidden("device_challenge", challenge),
        t = html::hidden(csrf::FIELD, &token),
    );
    UiReply::html(status, html::page("Connect a device", &body)).with_cookies(session.set_cookies)
}

/// Where the browser lands once the device is authorized.
pub fn done() -> UiReply {
    let body = "<h1>Device connected</h1>\
                <p>Your device is now signed in. You can close this window and return to it.</p>";
    UiReply::html(200, html::page("Device connected", body))
}
