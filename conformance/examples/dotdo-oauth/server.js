// @dotdo/oauth (createOAuth21Server) as a federated OAuth 2.1 server -- an OAuth proxy -- in front of the suite's mock
// IdP, with an MCP endpoint at /mcp. Configured entirely from the environment the conformance suite gives
// `--target-command` (UPSTREAM_*, PORT, PROXY_BASE_URL).
//
// Wiring, per the package README: a Hono app, `app.route('/', createOAuth21Server({ issuer, storage: new
// MemoryOAuthStorage(), upstream: { provider: 'custom', clientId, apiKey, authorizationEndpoint, tokenEndpoint } }))`.
// Everything else is the package's default configuration (opaque access tokens, DCR on, default scopes).
//
// The package offers nothing for the resource-server side (no bearer middleware, no challenge helper), so /mcp is
// protected here the way its storage interface allows: the opaque token is looked up in the same MemoryOAuthStorage
// (what its /introspect endpoint does), and a 401 carries a Bearer challenge naming the only protected-resource
// metadata the package serves (/.well-known/oauth-protected-resource).
//
// Upstream token adapter: the package's custom provider posts the code to
// `tokenEndpoint` without `Accept: application/json` and then reads `tokens.user` ({ id, email, first_name,
// last_name }: WorkOS's authenticate response, server.js:718-723, 1069-1086). Neither GitHub nor an OIDC provider
// answers that shape, so every flow would end in `server_error`. `tokenEndpoint` is therefore a loopback route of this
// server that forwards the request unchanged to the real token endpoint (asking for JSON) and adds `user` from the
// upstream userinfo endpoint.
/* global fetch, setTimeout */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createOAuth21Server, MemoryOAuthStorage } from '@dotdo/oauth';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`server.js: ${name} is not set (run it through the conformance suite's --target-command)`);
    process.exit(2);
  }
  return value;
}

async function upstreamEndpoints() {
  if (process.env.UPSTREAM_AUTHORIZATION_ENDPOINT && process.env.UPSTREAM_TOKEN_ENDPOINT) {
    return {
      authorizationEndpoint: process.env.UPSTREAM_AUTHORIZATION_ENDPOINT,
      tokenEndpoint: process.env.UPSTREAM_TOKEN_ENDPOINT,
      userinfoEndpoint: required('UPSTREAM_USERINFO_ENDPOINT'),
    };
  }
  const issuer = required('UPSTREAM_ISSUER').replace(/\/$/, '');
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`upstream discovery answered ${res.status}`);
  const doc = await res.json();
  return {
    authorizationEndpoint: doc.authorization_endpoint,
    tokenEndpoint: doc.token_endpoint,
    userinfoEndpoint: doc.userinfo_endpoint,
  };
}

const port = Number(process.env.PORT ?? 8080);
const baseUrl = (process.env.PROXY_BASE_URL ?? process.env.TARGET_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
const upstream = await upstreamEndpoints();
const storage = new MemoryOAuthStorage();

const app = new Hono();

// --- upstream token adapter (see above) ------------------------------------------------------------------------
app.post('/upstream/token', async (c) => {
  const body = await c.req.text();
  const res = await fetch(upstream.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
  });
  const tokens = await res.json().catch(() => ({ error: 'invalid_response' }));
  if (!res.ok || !tokens.access_token) return c.json(tokens, res.ok ? 400 : res.status);
  const info = await fetch(upstream.userinfoEndpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
  });
  if (!info.ok) return c.json({ error: 'userinfo_failed', status: info.status }, 502);
  const profile = await info.json();
  return c.json({
    ...tokens,
    user: {
      id: String(profile.sub ?? profile.id),
      email: profile.email,
      first_name: profile.name ?? profile.login,
    },
  });
});

// --- the OAuth 2.1 server --------------------------------------------------------------------------------------
const oauth = createOAuth21Server({
  issuer: baseUrl,
  storage,
  upstream: {
    provider: 'custom',
    clientId: required('UPSTREAM_CLIENT_ID'),
    apiKey: required('UPSTREAM_CLIENT_SECRET'),
    authorizationEndpoint: upstream.authorizationEndpoint,
    tokenEndpoint: `${baseUrl}/upstream/token`,
  },
});

// --- the MCP endpoint -------------------------------------------------------------------------------------------
const challenge = (error) =>
  `Bearer ${error ? `error="${error}", ` : ''}resource_metadata="${baseUrl}/.well-known/oauth-protected-resource"`;

function mcpServer() {
  const server = new McpServer({ name: 'dotdo-oauth-conformance-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Answers who the access token belongs to' }, async (extra) => ({
    content: [{ type: 'text', text: String(extra.authInfo?.extra?.userId ?? 'anonymous') }],
  }));
  return server;
}

app.all('/mcp', async (c) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return c.json({ error: 'unauthorized' }, 401, { 'WWW-Authenticate': challenge() });
  const stored = await storage.getAccessToken(match[1]);
  if (!stored || Date.now() > stored.expiresAt) {
    return c.json({ error: 'invalid_token' }, 401, { 'WWW-Authenticate': challenge('invalid_token') });
  }
  const server = mcpServer();
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  return transport.handleRequest(c.req.raw, {
    authInfo: {
      token: match[1],
      clientId: stored.clientId,
      scopes: (stored.scope ?? '').split(' ').filter(Boolean),
      expiresAt: Math.floor(stored.expiresAt / 1000),
      extra: { userId: stored.userId },
    },
  });
});

app.route('/', oauth);

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  console.error(`@dotdo/oauth listening on ${baseUrl} (MCP ${baseUrl}/mcp)`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
