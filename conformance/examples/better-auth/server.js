// Better Auth as the OAuth authorization server of an MCP server, the documented way for better-auth 1.7
// (https://www.better-auth.com/docs/plugins/mcp): `jwt()` + `mcp()` from @better-auth/mcp (built on
// @better-auth/oauth-provider), DCR explicitly enabled (the docs' "Optional DCR fallback"), users signing in through
// the suite's mock IdP as a generic OAuth social provider (genericOAuth: GitHub-style endpoints, or OIDC discovery),
// an in-memory SQLite database, and an MCP endpoint at /mcp (MCP SDK v2 `createMcpHandler`, `legacy: "reject"` as the
// @better-auth/mcp README says) behind `requireMcpAuth`.
//
// Configured entirely from the environment the conformance suite gives `--target-command`.
// Better Auth needs a login page and a consent page of the application's own: minimal ones are served here.
/* global setTimeout */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { jwt, genericOAuth } from 'better-auth/plugins';
import { toNodeHandler } from 'better-auth/node';
import { getMigrations } from 'better-auth/db/migration';
import { mcp, requireMcpAuth } from '@better-auth/mcp';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`server.js: ${name} is not set (run it through the conformance suite's --target-command)`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.env.PORT ?? 8080);
// The server's origin; Better Auth derives its issuer itself (<baseURL>/api/auth), which the suite reads from the
// protected resource metadata.
const baseUrl = (process.env.PROXY_BASE_URL ?? process.env.TARGET_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
const mcpUrl = `${baseUrl}/mcp`;
const scopes = (process.env.UPSTREAM_SCOPES ?? '').split(/[\s,]+/).filter(Boolean);
const github = Boolean(process.env.UPSTREAM_AUTHORIZATION_ENDPOINT);
const providerId = github ? 'github' : 'oidc';

const upstream = github
  ? {
      providerId,
      name: 'GitHub',
      authorizationUrl: required('UPSTREAM_AUTHORIZATION_ENDPOINT'),
      tokenUrl: required('UPSTREAM_TOKEN_ENDPOINT'),
      userInfoUrl: required('UPSTREAM_USERINFO_ENDPOINT'),
      // GitHub's /user: numeric `id`, `login`, `name`, `email` (no email_verified)
      mapProfileToUser: (profile) => ({ name: profile.name ?? profile.login, email: profile.email }),
    }
  : {
      providerId,
      name: 'OIDC',
      discoveryUrl: `${required('UPSTREAM_ISSUER').replace(/\/$/, '')}/.well-known/openid-configuration`,
    };

const auth = betterAuth({
  baseURL: baseUrl,
  secret: randomBytes(32).toString('hex'),
  database: new Database(':memory:'),
  // Better Auth's own limiter (and the provider's per-endpoint ones: 5 registrations a minute) would stop a ~100-check
  // run from one address; the suite is the only client.
  rateLimit: { enabled: false },
  plugins: [
    jwt(),
    mcp({
      loginPage: '/sign-in',
      consentPage: '/consent',
      resource: mcpUrl,
      allowDynamicClientRegistration: true,
      allowUnauthenticatedClientRegistration: true,
      rateLimit: { token: false, authorize: false, introspect: false, revoke: false, register: false, userinfo: false },
    }),
    genericOAuth({
      config: [
        {
          ...upstream,
          clientId: required('UPSTREAM_CLIENT_ID'),
          clientSecret: required('UPSTREAM_CLIENT_SECRET'),
          scopes,
          pkce: true,
        },
      ],
    }),
  ],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

// --- MCP endpoint -------------------------------------------------------------------------------------------------
function mcpServer() {
  const server = new McpServer({ name: 'better-auth-conformance-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Answers who the access token belongs to' }, async (ctx) => ({
    content: [{ type: 'text', text: String(ctx?.http?.authInfo?.extra?.sub ?? 'authenticated') }],
  }));
  return server;
}
// `legacy: "reject"` (2026-07-28 only) is what the @better-auth/mcp README prescribes.
const mcpHandler = createMcpHandler(mcpServer, { legacy: 'reject' });
const protectedMcp = requireMcpAuth(
  auth,
  (request, claims) =>
    mcpHandler.fetch(request, {
      authInfo: {
        token: '',
        clientId: String(claims.azp ?? claims.client_id ?? ''),
        scopes: String(claims.scope ?? '')
          .split(' ')
          .filter(Boolean),
        expiresAt: claims.exp,
        extra: { sub: claims.sub },
      },
    }),
  { resource: mcpUrl },
);
const mcpNode = toNodeHandler(protectedMcp);
const authNode = toNodeHandler(auth);

// --- the application's own login and consent pages -------------------------------------------------------------
const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main>${body}</main></body></html>`;

// Better Auth redirects here with its signed authorization query; the social sign-in carries it as `oauth_query`
// (what the oauthProviderClient() browser plugin does), so Better Auth resumes /oauth2/authorize after the callback.
const signInPage = page(
  'Sign in',
  `<h1>Sign in</h1>
<p>Sign in to continue.</p>
<button type="button" id="github">Continue with ${upstream.name}</button>
<p id="error" role="alert"></p>
<script>
document.getElementById('github').addEventListener('click', async () => {
  const res = await fetch('/api/auth/sign-in/social', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: ${JSON.stringify(providerId)}, callbackURL: '/', oauth_query: location.search.slice(1) }),
  });
  const data = await res.json().catch(() => ({}));
  if (data.url) location.href = data.url;
  else document.getElementById('error').textContent = data.message || 'Sign-in failed';
});
</script>`,
);

// Shows the client (public client info), the redirect URI and the requested scopes; Allow/Deny call /oauth2/consent.
const consentPage = page(
  'Authorize application',
  `<h1>Authorize <span id="client"></span></h1>
<p>Redirects to: <span id="redirect"></span></p>
<p>Requested scopes: <span id="scopes"></span></p>
<button type="button" id="allow">Allow</button>
<button type="button" id="deny">Deny</button>
<p id="error" role="alert"></p>
<script>
const q = new URLSearchParams(location.search);
document.getElementById('scopes').textContent = q.get('scope') || '(none)';
document.getElementById('redirect').textContent = q.get('redirect_uri') || '';
fetch('/api/auth/oauth2/public-client?client_id=' + encodeURIComponent(q.get('client_id') || ''))
  .then((r) => r.json())
  .then((c) => { document.getElementById('client').textContent = c.client_name || c.client_id || ''; })
  .catch(() => {});
async function decide(accept) {
  const res = await fetch('/api/auth/oauth2/consent', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accept, oauth_query: location.search.slice(1) }),
  });
  const data = await res.json().catch(() => ({}));
  const to = data.redirect_uri || data.url;
  if (to) location.href = to;
  else document.getElementById('error').textContent = data.message || data.error_description || 'Consent failed';
}
document.getElementById('allow').addEventListener('click', () => decide(true));
document.getElementById('deny').addEventListener('click', () => decide(false));
</script>`,
);

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', baseUrl).pathname;
  if (path === '/mcp') return mcpNode(req, res);
  if (path.startsWith('/api/auth/') || path.startsWith('/.well-known/')) return authNode(req, res);
  if (req.method === 'GET' && (path === '/sign-in' || path === '/consent')) {
    // Pages that start a sign-in or grant access must not be framed (clickjacking, RFC 9700 §4.16); Better Auth
    // leaves these pages, and so their headers, to the application.
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'cache-control': 'no-store',
    });
    return res.end(path === '/sign-in' ? signInPage : consentPage);
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('Not found');
});
server.listen(port, '127.0.0.1', () => {
  console.error(`Better Auth MCP authorization server on ${baseUrl} (issuer ${baseUrl}/api/auth, MCP ${mcpUrl})`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
