"""Ory's Hydra v25.4 Python SDK (ory-hydra-client==25.4.0) against Portcullis: the
operations issue 13 added -- the device grant's user-code acceptance, the trust API of
the JWT bearer grant, and dynamic client registration. The browser and the device are
played with `requests` (the SDK has no client-side device operations of use here).

Environment: PORTCULLIS_ADMIN_URL, PORTCULLIS_PUBLIC_URL, PORTCULLIS_APPS (the login,
consent and device apps' base; never fetched).
"""

import datetime
import os
import sys
import urllib.parse

import requests
import ory_hydra_client
from ory_hydra_client.api.o_auth2_api import OAuth2Api
from ory_hydra_client.api.oidc_api import OidcApi
from ory_hydra_client.models.accept_device_user_code_request import AcceptDeviceUserCodeRequest
from ory_hydra_client.models.accept_o_auth2_consent_request import AcceptOAuth2ConsentRequest
from ory_hydra_client.models.accept_o_auth2_login_request import AcceptOAuth2LoginRequest
from ory_hydra_client.models.json_web_key import JsonWebKey
from ory_hydra_client.models.o_auth2_client import OAuth2Client
from ory_hydra_client.models.trust_o_auth2_jwt_grant_issuer import TrustOAuth2JwtGrantIssuer

ADMIN = os.environ["PORTCULLIS_ADMIN_URL"]
PUBLIC = os.environ["PORTCULLIS_PUBLIC_URL"]
APPS = os.environ["PORTCULLIS_APPS"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def api(url, token=None):
    cfg = ory_hydra_client.Configuration(host=url)
    if token:
        cfg.access_token = token
    return ory_hydra_client.ApiClient(cfg)


def param(url, name):
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query).get(name, [None])[0]


def location(r):
    assert r.status_code in (302, 303), (r.status_code, r.text)
    return r.headers["location"]


def device_flow():
    admin = OAuth2Api(api(ADMIN))
    admin.create_o_auth2_client(OAuth2Client(
        client_id="sdk-tv", token_endpoint_auth_method="none",
        grant_types=[DEVICE_GRANT], scope="openid offline_access"))
    d = requests.post(PUBLIC + "/oauth2/device/auth",
                      data={"client_id": "sdk-tv", "scope": "openid offline_access"}).json()
    browser = requests.Session()
    to = location(browser.get(d["verification_uri_complete"], allow_redirects=False))
    assert to.startswith(APPS + "/device?"), to
    assert param(to, "user_code") == d["user_code"]
    redirect = admin.accept_user_code_request(
        param(to, "device_challenge"),
        AcceptDeviceUserCodeRequest(user_code=d["user_code"]))
    to = location(browser.get(redirect.redirect_to, allow_redirects=False))
    login = admin.get_o_auth2_login_request(param(to, "login_challenge"))
    assert login.client.client_id == "sdk-tv"
    redirect = admin.accept_o_auth2_login_request(
        login.challenge, AcceptOAuth2LoginRequest(subject="alice"))
    to = location(browser.get(redirect.redirect_to, allow_redirects=False))
    consent = admin.get_o_auth2_consent_request(param(to, "consent_challenge"))
    redirect = admin.accept_o_auth2_consent_request(
        consent.challenge, AcceptOAuth2ConsentRequest(
            grant_scope=consent.requested_scope))
    to = location(browser.get(redirect.redirect_to, allow_redirects=False))
    assert to.startswith(APPS + "/device/done"), to
    t = requests.post(PUBLIC + "/oauth2/token", data={
        "grant_type": DEVICE_GRANT, "client_id": "sdk-tv", "device_code": d["device_code"]})
    assert t.status_code == 200, t.text
    info = admin.introspect_o_auth2_token(t.json()["access_token"])
    assert info.active and info.sub == "alice", info
    print("ok: device flow with accept_user_code_request")


# RFC 7517 appendix A.1's RSA public key.
RSA_N = ("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
         "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5h"
         "ajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")


def trust_api():
    admin = OAuth2Api(api(ADMIN))
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    jwk = JsonWebKey(kty="RSA", kid="sdk-key", alg="RS256", use="sig", n=RSA_N, e="AQAB")
    created = admin.trust_o_auth2_jwt_grant_issuer(TrustOAuth2JwtGrantIssuer(
        issuer="https://ci.example.com", subject="job", scope=["deploy"],
        jwk=jwk, expires_at=expires))
    assert created.issuer == "https://ci.example.com" and created.public_key.kid == "sdk-key"
    listed = admin.list_trusted_o_auth2_jwt_grant_issuers(issuer="https://ci.example.com")
    assert [t.id for t in listed] == [created.id], listed
    got = admin.get_trusted_o_auth2_jwt_grant_issuer(created.id)
    assert got.scope == ["deploy"] and got.subject == "job"
    admin.delete_trusted_o_auth2_jwt_grant_issuer(created.id)
    assert admin.list_trusted_o_auth2_jwt_grant_issuers() == []
    print("ok: trust API (create, list, get, delete)")


def dynamic_registration():
    oidc = OidcApi(api(PUBLIC))
    c = oidc.create_oidc_dynamic_client(OAuth2Client(
        client_name="Self Service", redirect_uris=["https://app.example/cb"]))
    assert c.client_id and c.client_secret and c.registration_access_token
    assert c.registration_client_uri == PUBLIC + "/oauth2/register/" + c.client_id
    mine = OidcApi(api(PUBLIC, c.registration_access_token))
    got = mine.get_oidc_dynamic_client(c.client_id)
    assert got.client_name == "Self Service"
    updated = mine.set_oidc_dynamic_client(c.client_id, OAuth2Client(
        client_name="Renamed", redirect_uris=["https://app.example/cb"]))
    assert updated.client_name == "Renamed" and updated.registration_access_token
    OidcApi(api(PUBLIC, updated.registration_access_token)).delete_oidc_dynamic_client(c.client_id)
    print("ok: dynamic client registration (create, get, set, delete)")


def main():
    device_flow()
    trust_api()
    dynamic_registration()
    print("all SDK checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 -- the message is the test's answer
        import traceback
        traceback.print_exc()
        sys.exit(1)
