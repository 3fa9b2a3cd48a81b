// Peer for bench/benchmarks/peers.ts: the MCP TypeScript SDK 1.x, wired as in the conformance suite's peer runs (environment from the
// mock IdP's proxyEnv, PORT, PROXY_BASE_URL); its packages are devDependencies of bench/ only.
// The MCP TypeScript SDK's (1.x) own OAuth proxy, as its docs show it: an Express app with `mcpAuthRouter` around a
// `ProxyOAuthServerProvider` that forwards /authorize and /token to an upstream OAuth server, and a streamable-HTTP
// MCP endpoint at /mcp (one tool) behind `requireBearerAuth`. Configured entirely from the environment the
// conformance suite gives `--target-command` (UPSTREAM_*, PORT, PROXY_BASE_URL).
//
// What the user has to supply (the provider's documented options):
//  - `getClient`: an in-memory DCR client store (the SDK's DemoInMemoryClientsStore pattern);
//  - `verifyAccessToken`: the upstream userinfo endpoint (GitHub /user, OIDC userinfo);
//  - `fetch`: the documented custom-fetch hook, used here only for upstream credentials and `Accept: application/json`.
//
// Glue that the SDK leaves to the user, because ProxyOAuthServerProvider forwards the MCP client's own client_id
// upstream (it assumes the upstream knows every client) while the mock IdPs, like GitHub, know one pre-registered
// client only. SDK_PROXY_CLIENT_MAPPING (default "upstream"):
//  - "upstream": each DCR client keeps its own local client_id/secret at the proxy; getClient hands the provider the
//    upstream client_id, and the fetch hook swaps the client_secret the provider sends for the upstream one.
//  - "off": local client ids are forwarded verbatim (what the library does on its own): the upstream refuses them.
// Nothing in the provider's authorize/token/revoke logic or in the SDK's handlers is changed.
/* global fetch, Headers, URLSearchParams, setTimeout */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { ProxyOAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/providers/proxyProvider.js';
import { mcpAuthRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

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
      authorizationUrl: process.env.UPSTREAM_AUTHORIZATION_ENDPOINT,
      tokenUrl: process.env.UPSTREAM_TOKEN_ENDPOINT,
      userinfoUrl: required('UPSTREAM_USERINFO_ENDPOINT'),
    };
  }
  const issuer = required('UPSTREAM_ISSUER').replace(/\/$/, '');
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`upstream discovery answered ${res.status}`);
  const doc = await res.json();
  return {
    authorizationUrl: doc.authorization_endpoint,
    tokenUrl: doc.token_endpoint,
    userinfoUrl: doc.userinfo_endpoint,
    ...(doc.revocation_endpoint ? { revocationUrl: doc.revocation_endpoint } : {}),
  };
}

const port = Number(process.env.PORT ?? 8080);
const baseUrl = (process.env.PROXY_BASE_URL ?? process.env.TARGET_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
const mcpUrl = new URL(`${baseUrl}/mcp`);
const upstreamClientId = required('UPSTREAM_CLIENT_ID');
const upstreamClientSecret = required('UPSTREAM_CLIENT_SECRET');
const mapping = process.env.SDK_PROXY_CLIENT_MAPPING ?? 'upstream';
const { userinfoUrl, ...endpoints } = await upstreamEndpoints();

// In-memory DCR store (the SDK's DemoInMemoryClientsStore, examples/server/demoInMemoryOAuthProvider.js).
const clients = new Map();

class DcrProxyProvider extends ProxyOAuthServerProvider {
  // ProxyOAuthServerProvider only offers registration by forwarding to an upstream registrationUrl; the mocks (like
  // GitHub) have none, so registration is local.
  get clientsStore() {
    return {
      getClient: this._getClient,
      registerClient: async (client) => {
        clients.set(client.client_id, client);
        return client;
      },
    };
  }
}

const provider = new DcrProxyProvider({
  endpoints,
  getClient: async (clientId) => {
    const client = clients.get(clientId);
    if (!client || mapping === 'off') return client;
    // The provider sends `client.client_id` upstream (authorize, token, refresh, revoke).
    return { ...client, client_id: upstreamClientId };
  },
  verifyAccessToken: async (token) => {
    const res = await fetch(userinfoUrl, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (!res.ok) throw new InvalidTokenError('Invalid or expired token');
    const user = await res.json();
    return {
      token,
      clientId: upstreamClientId,
      scopes: (res.headers.get('x-oauth-scopes') ?? '').split(/[\s,]+/).filter(Boolean),
      // userinfo says nothing about expiry; the token is re-checked upstream on every request
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      extra: { user: user.login ?? user.sub },
    };
  },
  // The upstream client secret never leaves the server: it replaces whatever client_secret the provider sends.
  // GitHub answers form-encoded tokens unless asked for JSON.
  fetch: async (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    let body = init.body;
    if (mapping !== 'off' && typeof body === 'string') {
      const params = new URLSearchParams(body);
      if (params.get('client_id') === upstreamClientId) {
        params.set('client_secret', upstreamClientSecret);
        body = params.toString();
      }
    }
    return fetch(url, { ...init, headers, body });
  },
});

const app = createMcpExpressApp({ host: '127.0.0.1' });

app.use(
  mcpAuthRouter({
    provider,
    issuerUrl: new URL(baseUrl),
    baseUrl: new URL(baseUrl),
    resourceServerUrl: mcpUrl,
    scopesSupported: (process.env.UPSTREAM_SCOPES ?? '').split(/[\s,]+/).filter(Boolean),
    resourceName: 'SDK proxy conformance example',
    // The SDK's default limits (20 registrations an hour, 50 token and 100 authorization requests per 15 min, per
    // IP) would stop a ~100-check run from one address after a few checks; documented options turn them off.
    authorizationOptions: { rateLimit: false },
    tokenOptions: { rateLimit: false },
    clientRegistrationOptions: { rateLimit: false },
    revocationOptions: { rateLimit: false },
  }),
);

const bearer = requireBearerAuth({
  verifier: provider,
  resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
});

function mcpServer() {
  const server = new McpServer({ name: 'sdk-proxy-conformance-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Answers who the bearer token belongs to' }, async (extra) => ({
    content: [{ type: 'text', text: String(extra.authInfo?.extra?.user ?? 'anonymous') }],
  }));
  return server;
}

// Stateless streamable HTTP (the SDK's simpleStatelessStreamableHttp example).
app.post('/mcp', bearer, async (req, res) => {
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    console.error('MCP request failed', error);
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  }
});
const notAllowed = (_req, res) =>
  res.status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
app.get('/mcp', bearer, notAllowed);
app.delete('/mcp', bearer, notAllowed);

const listener = app.listen(port, '127.0.0.1', () => {
  console.error(`SDK ProxyOAuthServerProvider listening on ${baseUrl} (MCP ${mcpUrl.href}, client mapping ${mapping})`);
});
const stop = () => {
  listener.close(() => process.exit(0));
  listener.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
