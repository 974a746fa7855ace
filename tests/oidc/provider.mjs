// A real OpenID Connect provider for the tests: panva's oidc-provider (certified by the
// OpenID Foundation), pinned in package.json / package-lock.json and installed by the
// test setup (tests/oidc_provider.py). It signs its ID tokens with a key made at start
// and publishes it at its jwks_uri, as Entra ID or ID-porten do.
//
// Settings come from the environment:
//   OIDC_PORT     the port on 127.0.0.1
//   OIDC_CLIENTS  a JSON list of clients (client_id, client_secret, redirect_uris,
//                 post_logout_redirect_uris)
// Accounts: anyone signs in at the development login page with any login name and
// password; the login name is the account's subject (`sub`). Its claims: `name` from
// OIDC_NAMES (a JSON object login -> display name) when given, and an e-mail address.
//
// For the tests that a relying party refuses what it must refuse, POST /test/tamper
// with {"id_token": "wrong_audience" | "wrong_issuer" | "expired" | "bad_signature"}
// changes the ID token of the next token response only: re-signed with the provider's
// own key (so that only the named claim is wrong), or, for "bad_signature", signed with
// another key under the provider's key id.

import { createServer } from 'node:http';

import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const names = JSON.parse(process.env.OIDC_NAMES || '{}');

const ALG = 'RS256';
const signing = await generateKeyPair(ALG, { extractable: true });
const intruder = await generateKeyPair(ALG, { extractable: true });
const kid = 'test-signing-key';
const jwk = { ...(await exportJWK(signing.privateKey)), kid, alg: ALG, use: 'sig' };

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: ['homecare-test-provider-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // ID tokens carry the claims asked for by scope (profile, email), as Entra's do.
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub, name: names[sub] || `Account ${sub}`, email: `${sub}@kommune.example`,
          email_verified: true,
        };
      },
    };
  },
  // The municipality has consented for its staff: no consent page, as with Entra's
  // admin consent.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    // (A reused code makes the provider revoke its grant: then a new one, as above.)
    const existing = grantId && await ctx.oidc.provider.Grant.find(grantId);
    if (existing) {
      return existing;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['name', 'email', 'email_verified']);
    await grant.save();
    return grant;
  },
});

let tamper = null;

async function tampered(idToken, how) {
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = signing.privateKey;
  if (how === 'wrong_audience') {
    // For another application, naming us its authorised party: only `aud` is wrong.
    claims.azp = claims.aud;
    claims.aud = 'another-application';
  } else if (how === 'wrong_issuer') {
    claims.iss = `${issuer}/elsewhere`;
  } else if (how === 'expired') {
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  } else if (how === 'bad_signature') {
    key = intruder.privateKey;
  } else {
    throw new Error(`unknown tampering ${how}`);
  }
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

// After the token endpoint has answered: change the ID token when a test asked for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'token' && tamper && ctx.body?.id_token) {
    const how = tamper;
    tamper = null;
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, how) };
  }
});

const callback = provider.callback();
createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/test/tamper') {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      tamper = JSON.parse(body).id_token;
      response.writeHead(204).end();
    });
    return;
  }
  callback(request, response);
}).listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
