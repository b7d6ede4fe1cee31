// node-oidc-provider (v9) as a real, certified OpenID Provider: the UPSTREAM that
// Portcullis signs people in through in its integration tests (Portcullis is the
// relying party here). Started by tests/upstreams/oidc_provider.rs; not for production.
//
// Environment (all optional but REDIRECT_URIS):
//   PORT                       port on 127.0.0.1 (default 0: the OS picks a free one)
//   HOST                       address to listen on (default 127.0.0.1)
//   ISSUER                     issuer (default http://HOST:<bound port>)
//   CLIENT_ID / CLIENT_SECRET  the one registered client (default rp / rp-secret)
//   REDIRECT_URIS              comma-separated redirect URIs (required)
//   POST_LOGOUT_REDIRECT_URIS  comma-separated post-logout redirect URIs
//   TOKEN_AUTH_METHOD          client_secret_basic (default), client_secret_post or none
//   EXIT_ON_STDIN_CLOSE        1: exit when stdin reaches EOF (the parent test died)
//
// Prints `READY <issuer>` on stdout once it accepts connections.
//
// Users: devInteractions' built-in login form accepts any login and password; the login
// becomes the account id (sub) with email <login>@example.org (verified), name
// "User <login>" and groups ["staff"]. Scopes openid, email, profile, groups; since
// conformIdTokenClaims is off, the granted claims are in the ID token too.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const list = (value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT || 0);
const CLIENT_ID = process.env.CLIENT_ID || 'rp';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'rp-secret';
const REDIRECT_URIS = list(process.env.REDIRECT_URIS);
const POST_LOGOUT_REDIRECT_URIS = list(process.env.POST_LOGOUT_REDIRECT_URIS);
const TOKEN_AUTH_METHOD = process.env.TOKEN_AUTH_METHOD || 'client_secret_basic';

if (!['client_secret_basic', 'client_secret_post', 'none'].includes(TOKEN_AUTH_METHOD)) {
  console.error(`unsupported TOKEN_AUTH_METHOD ${TOKEN_AUTH_METHOD}`);
  process.exit(2);
}
if (REDIRECT_URIS.length === 0) {
  console.error('REDIRECT_URIS is required');
  process.exit(2);
}

// Listen first, so that PORT=0 works: the issuer needs the bound port.
const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(PORT, HOST, resolve);
});
const ISSUER = process.env.ISSUER || `http://${HOST}:${server.address().port}`;

// A fresh RS256 signing key for each run, published at /jwks.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `rs256-${Date.now().toString(36)}`,
  use: 'sig',
  alg: 'RS256',
};

const client = {
  client_id: CLIENT_ID,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: REDIRECT_URIS,
  post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
  token_endpoint_auth_method: TOKEN_AUTH_METHOD,
  id_token_signed_response_alg: 'RS256',
};
if (TOKEN_AUTH_METHOD !== 'none') {
  client.client_secret = CLIENT_SECRET;
}

const provider = new Provider(ISSUER, {
  clients: [client],
  jwks: { keys: [signingKey] },
  // Random cookie-signing keys (otherwise the library warns and uses a fixed dev key).
  cookies: { keys: [randomUUID(), randomUUID()] },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Put the granted scopes' claims into the ID token as well, not only /me.
  conformIdTokenClaims: false,
  // S256 is the only method oidc-provider 9 implements; require it for every client.
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    userinfo: { enabled: true },
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: `${sub}@example.org`,
          email_verified: true,
          name: `User ${sub}`,
          groups: ['staff'],
        };
      },
    };
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});
provider.proxy = false;

provider.on('server_error', (ctx, err) => {
  console.error('server_error', err);
});

server.on('request', provider.callback());

console.log(`READY ${ISSUER}`);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, shutdown);
}
// Started by a test: exit when the test process goes away (its end of our stdin
// closes), even if it was killed before it could kill us.
if (process.env.EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
