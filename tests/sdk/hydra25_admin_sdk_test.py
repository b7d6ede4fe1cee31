#!/usr/bin/env python3
"""Drives a running Portcullis with Ory's Hydra v2 Python SDK (ory-hydra-client==25.4.0,
the release whose API matches Hydra v26.2) on the /admin paths.

The SDK validates every answer into its pydantic models (types, required fields), so
each call that returns cleanly is wire compatibility proven with the real client. The
operations Portcullis does not serve are listed in README's compatibility table and not
called here.

Environment: PORTCULLIS_ADMIN_URL and PORTCULLIS_PUBLIC_URL (no trailing slash); the
server's urls.login/consent/logout point at an app that is never fetched. Prints one
line per check; exits non-zero on the first failure. Run by `cargo test --test sdk`.
"""

import os
import sys
import traceback
import uuid
from urllib.parse import parse_qs, urljoin, urlparse

import requests

import ory_hydra_client as hydra
from ory_hydra_client.exceptions import ApiException

ADMIN = os.environ["PORTCULLIS_ADMIN_URL"].rstrip("/")
PUBLIC = os.environ["PORTCULLIS_PUBLIC_URL"].rstrip("/")
RUN = uuid.uuid4().hex[:8]
CALLBACK = "https://sdk.example/cb"
SUBJECT = f"sdk-v2-user-{RUN}"
SECRET = "sdk-v2-client-secret-0123456789"


def api_client(host, **cfg):
    return hydra.ApiClient(hydra.Configuration(host=host, **cfg))


oauth2 = hydra.OAuth2Api(api_client(ADMIN))
jwk = hydra.JwkApi(api_client(ADMIN))
meta_api = hydra.MetadataApi(api_client(ADMIN))
oidc = hydra.OidcApi(api_client(PUBLIC))
wellknown = hydra.WellknownApi(api_client(PUBLIC))


class CheckFailed(Exception):
    pass


def ensure(cond, what):
    if not cond:
        raise CheckFailed(what)


def check(name, fn):
    try:
        detail = fn()
    except Exception as e:  # any SDK or assertion error is a failed check
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
        sys.exit(1)
    print(f"ok   {name}" + (f" ({detail})" if detail else ""), flush=True)
    return detail


def expect_status(status, fn):
    try:
        fn()
    except ApiException as e:
        ensure(e.status == status, f"expected HTTP {status}, got {e.status}: {e.body}")
        return e
    raise CheckFailed(f"expected HTTP {status}, the call succeeded")


def meta():
    check("get_version", lambda: meta_api.get_version().version)
    check("is_alive", lambda: ensure(meta_api.is_alive().status == "ok", "alive"))
    check("is_ready", lambda: ensure(meta_api.is_ready().status == "ok", "ready"))


def clients():
    cid = f"sdk-v2-{RUN}"

    def create():
        c = oauth2.create_o_auth2_client(
            hydra.OAuth2Client(
                client_id=cid,
                client_name="SDK v2",
                client_secret=SECRET,
                grant_types=["authorization_code", "refresh_token", "client_credentials"],
                response_types=["code"],
                redirect_uris=[CALLBACK],
                scope="openid offline photos.read",
                audience=["https://api.sdk.example"],
                metadata={"team": "sdk"},
            )
        )
        ensure(c.client_id == cid and c.client_secret == SECRET, f"created {c.client_id}")
        ensure(c.created_at is not None, "created_at")
        ensure(c.registration_access_token, "registration_access_token")
        ensure(c.registration_client_uri.endswith(f"/oauth2/register/{cid}"), "registration_client_uri")

    def get():
        c = oauth2.get_o_auth2_client(cid)
        ensure(c.client_name == "SDK v2" and c.client_secret is None, f"{c}")
        ensure(c.metadata == {"team": "sdk"}, f"metadata {c.metadata}")
        expect_status(404, lambda: oauth2.get_o_auth2_client(f"missing-{RUN}"))

    def list_pages():
        for i in range(3):
            oauth2.create_o_auth2_client(
                hydra.OAuth2Client(client_id=f"{cid}-more-{i}", token_endpoint_auth_method="none")
            )
        first = oauth2.list_o_auth2_clients_with_http_info(page_size=2)
        ensure(len(first.data) == 2, f"page of {len(first.data)}")
        link = {k.lower(): v for k, v in (first.headers or {}).items()}.get("link", "")
        ensure('rel="next"' in link and 'rel="first"' in link, f"Link {link}")
        nxt = [part for part in link.split(",") if 'rel="next"' in part][0]
        token = parse_qs(urlparse(nxt.split("<")[1].split(">")[0]).query)["page_token"][0]
        second = oauth2.list_o_auth2_clients(page_size=2, page_token=token)
        ensure(len(second) >= 1, "a second page")
        ids = [c.client_id for c in first.data] + [c.client_id for c in second]
        ensure(len(ids) == len(set(ids)), f"pages overlap: {ids}")

    def update():
        c = oauth2.get_o_auth2_client(cid)
        c.client_name = "SDK v2 renamed"
        u = oauth2.set_o_auth2_client(cid, c)
        ensure(u.client_name == "SDK v2 renamed", f"{u.client_name}")

    def patch():
        c = oauth2.patch_o_auth2_client(
            cid,
            [
                hydra.JsonPatch(op="replace", path="/client_name", value="SDK v2 patched"),
                hydra.JsonPatch(op="add", path="/skip_consent", value=False),
            ],
        )
        ensure(c.client_name == "SDK v2 patched" and c.skip_consent is False, f"{c}")
        e = expect_status(
            400,
            lambda: oauth2.patch_o_auth2_client(
                cid, [hydra.JsonPatch(op="replace", path="/redirect_uris", value=["not a uri"])]
            ),
        )
        ensure("redirect" in (e.body or ""), f"names the field: {e.body}")
        # A 404 here the SDK decodes as its ErrorOAuth2 model (extra fields allowed).
        e = expect_status(
            404,
            lambda: oauth2.patch_o_auth2_client(
                f"missing-{RUN}", [hydra.JsonPatch(op="replace", path="/client_name", value="x")]
            ),
        )
        ensure(isinstance(e.data, hydra.ErrorOAuth2) and e.data.error, f"decoded {e.data!r}")

    def lifespans():
        c = oauth2.set_o_auth2_client_lifespans(
            cid,
            hydra.OAuth2ClientTokenLifespans(
                client_credentials_grant_access_token_lifespan="1m",
                authorization_code_grant_refresh_token_lifespan="1h30m",
            ),
        )
        ensure(c.client_credentials_grant_access_token_lifespan == "1m0s", f"{c}")
        ensure(c.authorization_code_grant_refresh_token_lifespan == "1h30m0s", f"{c}")
        ensure(c.implicit_grant_access_token_lifespan is None, f"{c}")
        ensure(c.client_name == "SDK v2 patched", "other fields kept")
        token_api = hydra.OAuth2Api(api_client(PUBLIC, username=cid, password=SECRET))
        t = token_api.oauth2_token_exchange("client_credentials")
        ensure(t.expires_in == 60, f"expires_in {t.expires_in}")
        i = oauth2.introspect_o_auth2_token(t.access_token)
        ensure(i.exp - i.iat == 60, f"exp {i.exp} iat {i.iat}")
        expect_status(
            400,
            lambda: oauth2.set_o_auth2_client_lifespans(
                cid,
                hydra.OAuth2ClientTokenLifespans(jwt_bearer_grant_access_token_lifespan="100ms"),
            ),
        )

    def access_token_strategy():
        jid = f"{cid}-jwt"
        c = oauth2.create_o_auth2_client(
            hydra.OAuth2Client(
                client_id=jid,
                client_secret=SECRET,
                grant_types=["client_credentials"],
                access_token_strategy="jwt",
                client_credentials_grant_access_token_lifespan="2m",
            )
        )
        ensure(c.access_token_strategy == "jwt", f"{c}")
        ensure(c.client_credentials_grant_access_token_lifespan == "2m0s", f"{c}")
        ensure(c.client_secret_expires_at == 0, f"{c}")
        token_api = hydra.OAuth2Api(api_client(PUBLIC, username=jid, password=SECRET))
        t = token_api.oauth2_token_exchange("client_credentials")
        ensure(t.access_token.count(".") == 2 and t.expires_in == 120, f"{t}")
        ensure(oauth2.introspect_o_auth2_token(t.access_token).active is True, "active")
        oauth2.delete_o_auth2_client(jid)

    def delete():
        oauth2.delete_o_auth2_client(f"{cid}-more-0")
        expect_status(404, lambda: oauth2.get_o_auth2_client(f"{cid}-more-0"))

    check("create_o_auth2_client", create)
    check("get_o_auth2_client (and 404)", get)
    check("list_o_auth2_clients with page_size and page_token", list_pages)
    check("set_o_auth2_client", update)
    check("patch_o_auth2_client (and a patch PUT would refuse)", patch)
    check("set_o_auth2_client_lifespans, honoured by client_credentials", lifespans)
    check("access_token_strategy jwt on one client", access_token_strategy)
    check("delete_o_auth2_client", delete)
    return cid


def keys():
    set_id = f"sdk-v2-set-{RUN}"

    def create():
        s = jwk.create_json_web_key_set(
            set_id, hydra.CreateJsonWebKeySet(alg="RS256", kid="sdk-v2-key", use="sig")
        )
        ensure([k.kid for k in s.keys] == ["sdk-v2-key"], f"kids {[k.kid for k in s.keys]}")

    def read():
        s = jwk.get_json_web_key_set(set_id)
        ensure(len(s.keys) == 1 and s.keys[0].alg == "RS256", f"{s}")
        k = jwk.get_json_web_key(set_id, "sdk-v2-key")
        ensure(k.keys[0].kid == "sdk-v2-key", "one key")

    def delete():
        jwk.delete_json_web_key_set(set_id)
        expect_status(404, lambda: jwk.get_json_web_key_set(set_id))

    check("create_json_web_key_set (one key under the kid asked for)", create)
    check("get_json_web_key_set, get_json_web_key", read)
    check("delete_json_web_key_set", delete)


def follow(browser, url):
    """Follows redirects on the server; returns the first URL that leaves it."""
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
    found = parse_qs(urlparse(url).query).get(name)
    ensure(found, f"{name} in {url}")
    return found[0]


def flow(cid):
    browser = requests.Session()
    start = (
        f"{PUBLIC}/oauth2/auth?client_id={cid}&response_type=code"
        f"&redirect_uri={requests.utils.quote(CALLBACK, safe='')}"
        f"&scope=openid+offline+photos.read&state=sdk-v2-state-{RUN}&nonce=n-{RUN}"
    )
    f = {}

    def login():
        f["login"] = param(follow(browser, start), "login_challenge")
        lr = oauth2.get_o_auth2_login_request(f["login"])
        ensure(lr.client.client_id == cid and lr.skip is False, f"{lr}")
        f["sid"] = lr.session_id
        done = oauth2.accept_o_auth2_login_request(
            f["login"],
            hydra.AcceptOAuth2LoginRequest(subject=SUBJECT, remember=True, remember_for=3600),
        )
        f["consent"] = param(follow(browser, done.redirect_to), "consent_challenge")

    def handled_login_is_gone():
        e = expect_status(410, lambda: oauth2.get_o_auth2_login_request(f["login"]))
        ensure("redirect_to" in (e.body or ""), f"410 body {e.body}")

    def consent():
        cr = oauth2.get_o_auth2_consent_request(f["consent"])
        ensure(cr.subject == SUBJECT, f"subject {cr.subject}")
        done = oauth2.accept_o_auth2_consent_request(
            f["consent"],
            hydra.AcceptOAuth2ConsentRequest(
                grant_scope=cr.requested_scope,
                remember=True,
                remember_for=3600,
                session=hydra.AcceptOAuth2ConsentRequestSession(
                    access_token={"team": "sdk"}, id_token={"email": "v2@example.com"}
                ),
            ),
        )
        url = follow(browser, done.redirect_to)
        ensure(url.startswith(CALLBACK + "?"), f"redirected to {url}")
        f["code"] = param(url, "code")

    def exchange():
        token_api = hydra.OAuth2Api(api_client(PUBLIC, username=cid, password=SECRET))
        t = token_api.oauth2_token_exchange(
            "authorization_code", code=f["code"], redirect_uri=CALLBACK, client_id=cid
        )
        ensure(t.access_token and t.refresh_token and t.id_token, "tokens")
        f["access_token"] = t.access_token

    def introspect():
        i = oauth2.introspect_o_auth2_token(f["access_token"])
        ensure(i.active is True and i.sub == SUBJECT and i.client_id == cid, f"{i}")

    def userinfo():
        u = hydra.OidcApi(api_client(PUBLIC, access_token=f["access_token"])).get_oidc_user_info()
        ensure(u.sub == SUBJECT, f"sub {u.sub}")

    def sessions():
        s = oauth2.list_o_auth2_consent_sessions(SUBJECT)
        ensure(len(s) == 1 and s[0].consent_request.client.client_id == cid, f"{s}")
        f["consent_request_id"] = s[0].consent_request_id
        page = oauth2.list_o_auth2_consent_sessions_with_http_info(
            SUBJECT, page_size=1, login_session_id=f["sid"]
        )
        link = {k.lower(): v for k, v in (page.headers or {}).items()}.get("link", "")
        ensure(len(page.data) == 1 and 'rel="first"' in link, f"{page.data} {link}")
        other = oauth2.list_o_auth2_consent_sessions(SUBJECT, login_session_id=f"other-{RUN}")
        ensure(other == [], f"filtered by login_session_id: {other}")

    def revoke_one_consent():
        ensure(f["consent_request_id"], "consent_request_id listed")
        oauth2.revoke_o_auth2_consent_sessions(consent_request_id=f["consent_request_id"])
        ensure(oauth2.list_o_auth2_consent_sessions(SUBJECT) == [], "revoked")
        ensure(oauth2.introspect_o_auth2_token(f["access_token"]).active is False, "token gone")

    def logout():
        challenge = param(follow(browser, f"{PUBLIC}/oauth2/sessions/logout"), "logout_challenge")
        lr = oauth2.get_o_auth2_logout_request(challenge)
        ensure(lr.subject == SUBJECT, f"subject {lr.subject}")
        done = oauth2.accept_o_auth2_logout_request(challenge)
        ensure(done.redirect_to, "redirect_to")

    def revoke_logins():
        # One session by its id (with back-channel logout), then every one of the subject.
        oauth2.revoke_o_auth2_login_sessions(sid=f["sid"])
        oauth2.revoke_o_auth2_login_sessions(subject=SUBJECT)

    def delete_tokens():
        token_api = hydra.OAuth2Api(api_client(PUBLIC, username=cid, password=SECRET))
        t = token_api.oauth2_token_exchange("client_credentials")
        oauth2.delete_o_auth2_token(cid)
        ensure(oauth2.introspect_o_auth2_token(t.access_token).active is False, "deleted")

    check("login request: get, accept", login)
    check("a handled login request is 410 Gone with redirect_to", handled_login_is_gone)
    check("consent request: get, accept, code at the redirect URI", consent)
    check("oauth2_token_exchange (authorization_code)", exchange)
    check("introspect_o_auth2_token", introspect)
    check("get_oidc_user_info", userinfo)
    check("list_o_auth2_consent_sessions (page_size, login_session_id)", sessions)
    check("revoke_o_auth2_consent_sessions by consent_request_id", revoke_one_consent)
    check("logout request: get, accept", logout)
    check("revoke_o_auth2_login_sessions by sid and by subject", revoke_logins)
    check("delete_o_auth2_token", delete_tokens)


def discovery():
    def openid_configuration():
        d = oidc.discover_oidc_configuration()
        ensure(d.issuer.rstrip("/") == PUBLIC, f"issuer {d.issuer}")
        ensure("S256" in (d.code_challenge_methods_supported or []), "PKCE advertised")

    def jwks():
        s = wellknown.discover_json_web_keys()
        ensure(s.keys and all(k.d is None for k in s.keys), "public keys only")

    check("discover_oidc_configuration", openid_configuration)
    check("discover_json_web_keys", jwks)


def main():
    print(f"Hydra SDK {hydra.__version__} against admin {ADMIN}, public {PUBLIC}")
    meta()
    cid = clients()
    keys()
    flow(cid)
    discovery()
    print("all SDK checks passed")


if __name__ == "__main__":
    main()
