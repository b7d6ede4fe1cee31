#!/usr/bin/env python3
"""Drives a running Portcullis with Ory's own Hydra 1.9.2 Python SDK (ory-hydra-client==1.9.2).

The SDK deserializes every answer strictly into its generated models: a field of the
wrong type, a missing required field, a `null` where the model does not allow one, or a
field the model does not know makes it raise. So every call below that returns cleanly
is a piece of wire compatibility proven with the real client.

Environment: PORTCULLIS_ADMIN_URL and PORTCULLIS_PUBLIC_URL (base URLs, no trailing
slash). The server's urls.login and urls.consent must point somewhere that is not the
built-in UI (the script never fetches them; it only reads the challenge from the
redirect). Prints one line per check; exits non-zero on the first failure.

Run by `cargo test --test sdk`, which starts the server and a virtualenv with the SDK.
"""

import datetime
import os
import sys
import traceback
import uuid
from urllib.parse import parse_qs, urljoin, urlparse

import requests

import ory_hydra_client
from ory_hydra_client.api.admin_api import AdminApi
from ory_hydra_client.api.public_api import PublicApi
from ory_hydra_client.exceptions import ApiException
from ory_hydra_client.model.accept_consent_request import AcceptConsentRequest
from ory_hydra_client.model.accept_login_request import AcceptLoginRequest
from ory_hydra_client.model.consent_request_session import ConsentRequestSession
from ory_hydra_client.model.flush_inactive_o_auth2_tokens_request import (
    FlushInactiveOAuth2TokensRequest,
)
from ory_hydra_client.model.json_web_key import JSONWebKey
from ory_hydra_client.model.json_web_key_set_generator_request import (
    JsonWebKeySetGeneratorRequest,
)
from ory_hydra_client.model.o_auth2_client import OAuth2Client
from ory_hydra_client.model.reject_request import RejectRequest
from ory_hydra_client.model.string_slice_pipe_delimiter import (
    StringSlicePipeDelimiter as Strings,
)

ADMIN = os.environ["PORTCULLIS_ADMIN_URL"].rstrip("/")
PUBLIC = os.environ["PORTCULLIS_PUBLIC_URL"].rstrip("/")
RUN = uuid.uuid4().hex[:8]
CALLBACK = "https://sdk.example/cb"
SUBJECT = f"sdk-user-{RUN}"


def api_client(host, access_token=None, **cfg):
    config = ory_hydra_client.Configuration(host=host, **cfg)
    if access_token:
        config.access_token = access_token
    return ory_hydra_client.ApiClient(config)


admin = AdminApi(api_client(ADMIN))
public = PublicApi(api_client(PUBLIC))


class CheckFailed(Exception):
    pass


def ensure(cond, what):
    if not cond:
        raise CheckFailed(what)


def check(name, fn):
    """Runs one check; on failure prints why and exits 1."""
    try:
        detail = fn()
    except Exception as e:  # any SDK or assertion error is a failed check
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
        sys.exit(1)
    print(f"ok   {name}" + (f" ({detail})" if detail else ""), flush=True)
    return detail


def expect_status(status, fn):
    """fn must raise ApiException with this HTTP status."""
    try:
        fn()
    except ApiException as e:
        ensure(e.status == status, f"expected HTTP {status}, got {e.status}: {e.body}")
        return
    raise CheckFailed(f"expected ApiException {status}, the call succeeded")


def values(v):
    """A StringSlicePipeDelimiter (or plain list) as a Python list."""
    return list(v.value if isinstance(v, Strings) else v)


# ---------------------------------------------------------------- meta


def meta():
    def version():
        v = admin.get_version()
        ensure(isinstance(v.version, str) and v.version, f"version {v}")
        return v.version

    def alive():
        s = admin.is_instance_alive()
        ensure(s.status == "ok", f"status {s}")

    def ready():
        s = public.is_instance_ready()
        ensure(s.status == "ok", f"status {s}")

    check("admin get_version", version)
    check("admin is_instance_alive", alive)
    check("public is_instance_ready", ready)
    check("admin prometheus", lambda: admin.prometheus())


# ---------------------------------------------------------------- clients


def clients():
    cid = f"sdk-client-{RUN}"
    body = OAuth2Client(
        client_id=cid,
        client_name="SDK client",
        client_secret="sdk-client-secret-0123456789",
        redirect_uris=Strings([CALLBACK]),
        grant_types=Strings(["authorization_code", "refresh_token", "client_credentials"]),
        response_types=Strings(["code", "id_token", "code id_token"]),
        scope="openid offline photos.read",
        audience=Strings(["https://api.sdk.example"]),
        token_endpoint_auth_method="client_secret_basic",
        metadata={"team": "sdk", "n": [1, 2]},
    )

    def create():
        c = admin.create_o_auth2_client(body)
        ensure(c.client_id == cid, f"client_id {c.client_id}")
        ensure(c.client_secret == "sdk-client-secret-0123456789", "secret echoed once")
        ensure(values(c.redirect_uris) == [CALLBACK], f"redirect_uris {c.redirect_uris}")
        ensure(c.metadata == {"team": "sdk", "n": [1, 2]}, f"metadata {c.metadata}")
        # No jwks was given: Hydra omits the field. (The SDK refuses `jwks=None` in the
        # model on the way out, and `"jwks": null` in the answer on the way in.)
        ensure("jwks" not in c, f"jwks {c.get('jwks')}")
        ensure(isinstance(c.created_at, datetime.datetime), "created_at is a datetime")

    def get():
        c = admin.get_o_auth2_client(cid)
        ensure(c.client_name == "SDK client", f"client_name {c.client_name}")
        ensure(values(c.grant_types)[0] == "authorization_code", f"grant_types {c.grant_types}")
        ensure(c.scope == "openid offline photos.read", f"scope {c.scope}")

    def create_more():
        for i in range(2):
            admin.create_o_auth2_client(
                OAuth2Client(client_id=f"sdk-extra-{RUN}-{i}", redirect_uris=Strings([CALLBACK]))
            )

    def create_full():
        full_id = f"sdk-full-{RUN}"
        c = admin.create_o_auth2_client(
            OAuth2Client(
                client_id=full_id,
                client_name="Everything",
                redirect_uris=Strings([CALLBACK]),
                grant_types=Strings(["authorization_code", "implicit", "client_credentials"]),
                response_types=Strings(["code", "token", "id_token", "code id_token"]),
                scope="openid",
                audience=Strings(["https://a.example"]),
                owner="sdk",
                policy_uri="https://sdk.example/policy",
                allowed_cors_origins=Strings(["https://sdk.example"]),
                tos_uri="https://sdk.example/tos",
                client_uri="https://sdk.example",
                logo_uri="https://sdk.example/logo.png",
                contacts=Strings(["ops@sdk.example"]),
                subject_type="public",
                jwks={"keys": [{"kty": "oct", "kid": "k1", "k": "c2VjcmV0c2VjcmV0"}]},
                token_endpoint_auth_method="client_secret_post",
                request_uris=Strings(["https://sdk.example/request.jwt"]),
                userinfo_signed_response_alg="RS256",
                post_logout_redirect_uris=Strings(["https://sdk.example/bye"]),
                frontchannel_logout_uri="https://sdk.example/fc",
                frontchannel_logout_session_required=True,
                backchannel_logout_uri="https://sdk.example/bc",
                backchannel_logout_session_required=True,
                metadata={"nested": {"a": [1, None, "x"]}},
            )
        )
        ensure(c.client_secret, "a secret is generated")
        got = admin.get_o_auth2_client(full_id)
        ensure(got.jwks["keys"][0]["kid"] == "k1", f"jwks {got.jwks}")
        ensure(values(got.contacts) == ["ops@sdk.example"], f"contacts {got.contacts}")
        ensure(got.backchannel_logout_session_required is True, "backchannel_logout_session_required")
        public_id = f"sdk-public-{RUN}"
        p = admin.create_o_auth2_client(
            OAuth2Client(
                client_id=public_id,
                token_endpoint_auth_method="none",
                redirect_uris=Strings([CALLBACK]),
            )
        )
        ensure(p.token_endpoint_auth_method == "none", "public client")
        for gone in (full_id, public_id):
            admin.delete_o_auth2_client(gone)

    def list_paged():
        everything = admin.list_o_auth2_clients(limit=500)
        ids = [c.client_id for c in everything]
        ensure(cid in ids, f"{cid} listed")
        page = admin.list_o_auth2_clients(limit=1, offset=1)
        ensure(len(page) == 1, f"limit=1 gives one client, got {len(page)}")
        ensure(page[0].client_id == ids[1], "offset=1 is the second client")
        return f"{len(ids)} clients"

    def update():
        c = admin.get_o_auth2_client(cid)
        c.client_name = "SDK client renamed"
        c.redirect_uris = Strings([CALLBACK, "https://sdk.example/cb2"])
        c.metadata = {"team": "sdk2"}
        u = admin.update_o_auth2_client(cid, c)
        ensure(u.client_name == "SDK client renamed", f"client_name {u.client_name}")
        ensure(len(values(u.redirect_uris)) == 2, f"redirect_uris {u.redirect_uris}")
        ensure(admin.get_o_auth2_client(cid).metadata == {"team": "sdk2"}, "metadata updated")

    def delete():
        extra = f"sdk-extra-{RUN}-0"
        admin.delete_o_auth2_client(extra)
        expect_status(404, lambda: admin.get_o_auth2_client(extra))

    check("create_o_auth2_client", create)
    check("get_o_auth2_client", get)
    check("create_o_auth2_client (more)", create_more)
    check("create_o_auth2_client (every field; public client)", create_full)
    check("list_o_auth2_clients limit/offset", list_paged)
    check("update_o_auth2_client", update)
    check("delete_o_auth2_client, then get is 404", delete)
    return cid


# ---------------------------------------------------------------- keys


def keys():
    kset = f"sdk-set-{RUN}"
    base_kid = f"sdk-kid-{RUN}"
    # Hydra 1.x stores a generated pair as "private:<kid>" and "public:<kid>".
    kid = f"private:{base_kid}"

    def create():
        s = admin.create_json_web_key_set(
            kset, body=JsonWebKeySetGeneratorRequest(alg="RS256", use="sig", kid=base_kid)
        )
        kids = sorted(k.kid for k in s.keys)
        ensure(kids == [kid, f"public:{base_kid}"], f"kids {kids}")
        for k in s.keys:
            ensure(k.kty == "RSA" and k.alg == "RS256" and k.use == "sig", f"key {k.kty} {k.alg}")
        return ", ".join(x.kid for x in s.keys)

    def get_set():
        s = admin.get_json_web_key_set(kset)
        ensure(len(s.keys) >= 1, "keys returned")

    def get_one():
        s = admin.get_json_web_key(kid, kset)
        ensure(len(s.keys) >= 1 and s.keys[0].kid == kid, f"kid {[k.kid for k in s.keys]}")

    def update_one():
        s = admin.get_json_web_key(kid, kset)
        k = s.keys[0]
        fields = {
            name: k[name]
            for name in ("alg", "kid", "kty", "use", "n", "e", "d", "p", "q", "dp", "dq", "qi")
            if name in k
        }
        fields["use"] = "enc"
        u = admin.update_json_web_key(kid, kset, body=JSONWebKey(**fields))
        ensure(u.kid == kid and u.use == "enc", f"updated key {u.kid} {u.use}")
        again = admin.get_json_web_key(kid, kset).keys[0]
        ensure(again.use == "enc", f"use after update {again.use}")

    def update_set():
        s = admin.get_json_web_key_set(kset)
        u = admin.update_json_web_key_set(kset, body=s)
        ensure(sorted(k.kid for k in u.keys) == sorted(k.kid for k in s.keys), "same keys")

    def delete_key():
        admin.delete_json_web_key(kid, kset)
        expect_status(404, lambda: admin.get_json_web_key(kid, kset))

    def delete_set():
        admin.create_json_web_key_set(
            kset, body=JsonWebKeySetGeneratorRequest(alg="RS256", use="sig", kid=base_kid + "-2")
        )
        admin.delete_json_web_key_set(kset)
        expect_status(404, lambda: admin.get_json_web_key_set(kset))

    check("create_json_web_key_set RS256 sig", create)
    check("get_json_web_key_set", get_set)
    check("get_json_web_key", get_one)
    check("update_json_web_key", update_one)
    check("update_json_web_key_set", update_set)
    check("delete_json_web_key, then get is 404", delete_key)
    check("delete_json_web_key_set, then get is 404", delete_set)


# ---------------------------------------------------------------- tokens (admin)


def tokens_admin(cid):
    def introspect_inactive():
        i = admin.introspect_o_auth2_token("not-a-token-" + RUN)
        ensure(i.active is False, f"active {i.active}")

    def flush():
        # Hydra 1.9.2 answers 204 with no body.
        when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
        admin.flush_inactive_o_auth2_tokens(body=FlushInactiveOAuth2TokensRequest(not_after=when))
        admin.flush_inactive_o_auth2_tokens()

    def delete_tokens():
        admin.delete_o_auth2_token(cid)

    check("introspect_o_auth2_token (inactive)", introspect_inactive)
    check("flush_inactive_o_auth2_tokens", flush)
    check("delete_o_auth2_token", delete_tokens)


# ---------------------------------------------------------------- login and consent


def follow(browser, url):
    """GETs url and follows redirects by hand (keeping cookies) while they stay on the
    server; returns the first URL that leaves it (the login or consent app, or the
    client's redirect URI), or the server's own page that ends the chain."""
    for _ in range(10):
        r = browser.get(url, allow_redirects=False)
        if r.status_code == 200:
            return url
        ensure(r.status_code in (302, 303), f"GET {url}: HTTP {r.status_code} {r.text[:300]}")
        url = urljoin(url, r.headers["Location"])
        if not url.startswith(PUBLIC):
            return url
    raise CheckFailed("too many redirects")


def param(url, name):
    values = parse_qs(urlparse(url).query).get(name)
    ensure(values, f"{name} in {url}")
    return values[0]


def login_consent(cid):
    browser = requests.Session()
    state = "sdk-state-" + RUN
    start = (
        f"{PUBLIC}/oauth2/auth?client_id={cid}&response_type=code"
        f"&redirect_uri={requests.utils.quote(CALLBACK, safe='')}"
        f"&scope=openid+offline+photos.read&state={state}&nonce=sdk-nonce-{RUN}"
        f"&audience={requests.utils.quote('https://api.sdk.example', safe='')}"
    )
    flow = {}

    def to_login():
        flow["login_challenge"] = param(follow(browser, start), "login_challenge")

    def get_login():
        lr = admin.get_login_request(flow["login_challenge"])
        ensure(lr.challenge == flow["login_challenge"], "challenge")
        ensure(lr.client.client_id == cid, f"client {lr.client.client_id}")
        ensure(lr.skip is False, "skip")
        ensure(
            sorted(values(lr.requested_scope)) == ["offline", "openid", "photos.read"],
            f"requested_scope {lr.requested_scope}",
        )
        ensure("/oauth2/auth?" in lr.request_url, f"request_url {lr.request_url}")

    def accept_login():
        done = admin.accept_login_request(
            flow["login_challenge"],
            body=AcceptLoginRequest(subject=SUBJECT, remember=True, remember_for=3600, acr="sdk-acr"),
        )
        ensure(done.redirect_to.startswith(PUBLIC), f"redirect_to {done.redirect_to}")
        flow["consent_challenge"] = param(follow(browser, done.redirect_to), "consent_challenge")

    def get_consent():
        cr = admin.get_consent_request(flow["consent_challenge"])
        ensure(cr.subject == SUBJECT, f"subject {cr.subject}")
        ensure(cr.client.client_id == cid, "client")
        ensure(cr.login_challenge == flow["login_challenge"], "login_challenge")
        ensure(cr.acr == "sdk-acr", f"acr {cr.acr}")
        flow["scopes"] = values(cr.requested_scope)
        flow["audience"] = values(cr.requested_access_token_audience)

    def accept_consent():
        done = admin.accept_consent_request(
            flow["consent_challenge"],
            body=AcceptConsentRequest(
                grant_scope=Strings(flow["scopes"]),
                grant_access_token_audience=Strings(flow["audience"]),
                remember=True,
                remember_for=3600,
                session=ConsentRequestSession(
                    access_token={"team": "sdk"}, id_token={"email": "sdk@example.com"}
                ),
            ),
        )
        url = follow(browser, done.redirect_to)
        ensure(url.startswith(CALLBACK + "?"), f"redirected to {url}")
        ensure(param(url, "state") == state, "state")
        flow["code"] = param(url, "code")

    def exchange():
        token_api = PublicApi(api_client(PUBLIC, username=cid, password="sdk-client-secret-0123456789"))
        t = token_api.oauth2_token(
            "authorization_code", code=flow["code"], redirect_uri=CALLBACK, client_id=cid
        )
        ensure(t.access_token and t.refresh_token and t.id_token, "tokens issued")
        ensure(t.token_type.lower() == "bearer", f"token_type {t.token_type}")
        flow["access_token"] = t.access_token
        flow["refresh_token"] = t.refresh_token

    def client_credentials():
        token_api = PublicApi(api_client(PUBLIC, username=cid, password="sdk-client-secret-0123456789"))
        t = token_api.oauth2_token("client_credentials")
        ensure(t.access_token and t.expires_in > 0, "client_credentials token")
        i = admin.introspect_o_auth2_token(t.access_token, scope="")
        ensure(i.active is True and i.client_id == cid, f"introspection {i}")

    def remembered():
        # The login and the consent were remembered: both requests come back with skip.
        lr = admin.get_login_request(param(follow(browser, start), "login_challenge"))
        ensure(lr.skip is True and lr.subject == SUBJECT, f"login skip {lr.skip} {lr.subject}")
        done = admin.accept_login_request(lr.challenge, body=AcceptLoginRequest(subject=SUBJECT))
        cr = admin.get_consent_request(param(follow(browser, done.redirect_to), "consent_challenge"))
        ensure(cr.skip is True, f"consent skip {cr.skip}")
        done = admin.accept_consent_request(
            cr.challenge,
            body=AcceptConsentRequest(grant_scope=cr.requested_scope),
        )
        url = follow(browser, done.redirect_to)
        ensure(param(url, "code"), "code")

    def introspect_active():
        i = admin.introspect_o_auth2_token(flow["access_token"])
        ensure(i.active is True, "active")
        ensure(i.sub == SUBJECT and i.client_id == cid, f"sub {i.sub} client_id {i.client_id}")

    def userinfo():
        # The SDK's userinfoResponse model lists only the standard profile claims, but
        # Hydra 1.9.2 itself answers with its ID token claims (iss, aud, auth_time, rat,
        # acr, ...), so against Hydra too this call only works with unknown keys
        # discarded. The types of the known claims are still checked.
        u = PublicApi(
            api_client(PUBLIC, access_token=flow["access_token"], discard_unknown_keys=True)
        ).userinfo()
        ensure(u.sub == SUBJECT, f"sub {u.sub}")
        ensure(u.email == "sdk@example.com", f"email {u.get('email')}")

    def refresh():
        token_api = PublicApi(api_client(PUBLIC, username=cid, password="sdk-client-secret-0123456789"))
        t = token_api.oauth2_token("refresh_token", refresh_token=flow["refresh_token"])
        ensure(t.access_token, "refreshed")
        flow["access_token"] = t.access_token

    def revoke_token():
        token_api = PublicApi(api_client(PUBLIC, username=cid, password="sdk-client-secret-0123456789"))
        token_api.revoke_o_auth2_token(flow["access_token"])
        ensure(admin.introspect_o_auth2_token(flow["access_token"]).active is False, "inactive")

    def sessions():
        s = admin.list_subject_consent_sessions(SUBJECT)
        ensure(len(s) == 1, f"{len(s)} sessions")
        ensure(s[0].consent_request.client.client_id == cid, "client")
        ensure(s[0].remember is True, "remember")
        ensure(sorted(values(s[0].grant_scope)) == sorted(flow["scopes"]), f"grant_scope {s[0].grant_scope}")

    def revoke_consent():
        admin.revoke_consent_sessions(SUBJECT, client=cid)
        ensure(admin.list_subject_consent_sessions(SUBJECT) == [], "no sessions left")
        admin.revoke_consent_sessions(SUBJECT, all=True)

    def revoke_login():
        admin.revoke_authentication_session(SUBJECT)
        # The remembered login is gone: a new authorization asks the login app again
        # with skip=false.
        lr = admin.get_login_request(param(follow(browser, start), "login_challenge"))
        ensure(lr.skip is False, "skip after revoking the authentication session")

    check("GET /oauth2/auth redirects to the login app", to_login)
    check("get_login_request", get_login)
    check("accept_login_request, redirect to the consent app", accept_login)
    check("get_consent_request", get_consent)
    check("accept_consent_request, code arrives at the redirect URI", accept_consent)
    check("public oauth2_token (authorization_code)", exchange)
    check("public oauth2_token (client_credentials), introspect with scope", client_credentials)
    check("remembered login and consent: skip, accept, code", remembered)
    check("introspect_o_auth2_token (active)", introspect_active)
    check("public userinfo", userinfo)
    check("public oauth2_token (refresh_token)", refresh)
    check("public revoke_o_auth2_token", revoke_token)
    check("list_subject_consent_sessions", sessions)
    check("revoke_consent_sessions", revoke_consent)
    check("revoke_authentication_session", revoke_login)

    def reject_login():
        challenge = param(follow(browser, start), "login_challenge")
        done = admin.reject_login_request(
            challenge,
            body=RejectRequest(error="access_denied", error_description="The user said no."),
        )
        url = follow(browser, done.redirect_to)
        ensure(url.startswith(CALLBACK + "?"), f"redirected to {url}")
        ensure(param(url, "error") == "access_denied", f"error in {url}")
        ensure(param(url, "state") == state, "state")

    def reject_consent():
        challenge = param(follow(browser, start), "login_challenge")
        done = admin.accept_login_request(
            challenge, body=AcceptLoginRequest(subject=SUBJECT, remember=True, remember_for=3600)
        )
        consent = param(follow(browser, done.redirect_to), "consent_challenge")
        done = admin.reject_consent_request(consent, body=RejectRequest(error="access_denied"))
        url = follow(browser, done.redirect_to)
        ensure(param(url, "error") == "access_denied", f"error in {url}")

    def logout():
        # The browser still has the login remembered by reject_consent.
        challenge = param(follow(browser, f"{PUBLIC}/oauth2/sessions/logout"), "logout_challenge")
        lr = admin.get_logout_request(challenge)
        ensure(lr.subject == SUBJECT, f"subject {lr.subject}")
        ensure(lr.rp_initiated is False, "rp_initiated")
        done = admin.accept_logout_request(challenge)
        url = follow(browser, done.redirect_to)
        ensure(url == f"{PUBLIC}/oauth2/fallbacks/logout/callback", f"redirected to {url}")
        # Signed out: a new authorization asks the login app again without skip.
        lr = admin.get_login_request(param(follow(browser, start), "login_challenge"))
        ensure(lr.skip is False, "skip after logout")

    def reject_logout():
        challenge = param(follow(browser, start), "login_challenge")
        done = admin.accept_login_request(
            challenge, body=AcceptLoginRequest(subject=SUBJECT, remember=True, remember_for=3600)
        )
        follow(browser, done.redirect_to)
        challenge = param(follow(browser, f"{PUBLIC}/oauth2/sessions/logout"), "logout_challenge")
        admin.reject_logout_request(challenge, body=RejectRequest(error="access_denied"))

    check("reject_login_request, error arrives at the redirect URI", reject_login)
    check("reject_consent_request, error arrives at the redirect URI", reject_consent)
    check("get_logout_request, accept_logout_request", logout)
    check("reject_logout_request", reject_logout)


# ---------------------------------------------------------------- discovery


def discovery():
    def openid_configuration():
        w = public.discover_open_id_configuration()
        ensure(w.issuer.rstrip("/") == PUBLIC, f"issuer {w.issuer}")
        ensure("code" in w.response_types_supported, "code supported")
        ensure(w.jwks_uri.endswith("/.well-known/jwks.json"), f"jwks_uri {w.jwks_uri}")

    def jwks():
        s = public.well_known()
        ensure(len(s.keys) >= 1, "at least one public key")
        ensure(all("d" not in k for k in s.keys), "no private parts")
        return ", ".join(f"{k.kid}:{k.alg}" for k in s.keys)

    check("public discover_open_id_configuration", openid_configuration)
    check("public well_known (JWKS)", jwks)


def main():
    print(f"Hydra SDK {ory_hydra_client.__version__} against admin {ADMIN}, public {PUBLIC}")
    meta()
    cid = clients()
    keys()
    tokens_admin(cid)
    login_consent(cid)
    discovery()
    print("all SDK checks passed")


if __name__ == "__main__":
    main()
