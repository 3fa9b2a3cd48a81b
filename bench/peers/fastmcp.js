// Peer for bench/benchmarks/peers.ts: FastMCP (TypeScript), wired as in the conformance suite's peer runs (environment from the
// mock IdP's proxyEnv, PORT, PROXY_BASE_URL); its packages are devDependencies of bench/ only.
// A FastMCP HTTP-stream server behind FastMCP's own OAuth proxy (the generic `OAuthProvider`, which wraps
// `OAuthProxy`), configured from the environment the conformance suite gives `--target-command`.
//
// Upstream: the suite's GitHub-style mock IdP (UPSTREAM_AUTHORIZATION_ENDPOINT / UPSTREAM_TOKEN_ENDPOINT) or the
// OIDC mock (UPSTREAM_ISSUER, endpoints read from its discovery document). Everything else is FastMCP's default
// configuration: consent page on, token swap on, plain PKCE allowed, loopback-only redirect URI allowlist.
/* global fetch */
import { FastMCP, OAuthProvider } from 'fastmcp';

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
    };
  }
  const issuer = required('UPSTREAM_ISSUER').replace(/\/$/, '');
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`upstream discovery answered ${res.status}`);
  const doc = await res.json();
  return { authorizationEndpoint: doc.authorization_endpoint, tokenEndpoint: doc.token_endpoint };
}

const port = Number(process.env.PORT ?? 8080);
const baseUrl = (process.env.PROXY_BASE_URL ?? process.env.TARGET_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
const scopes = (process.env.UPSTREAM_SCOPES ?? '').split(/[\s,]+/).filter(Boolean);

const auth = new OAuthProvider({
  ...(await upstreamEndpoints()),
  baseUrl,
  clientId: required('UPSTREAM_CLIENT_ID'),
  clientSecret: required('UPSTREAM_CLIENT_SECRET'),
  ...(scopes.length > 0 ? { scopes } : {}),
});

const server = new FastMCP({ auth, name: 'conformance-example', version: '1.0.0' });

server.addTool({
  name: 'whoami',
  description: 'Answers whether the call carried an authenticated session',
  execute: async (_args, { session }) => (session ? 'authenticated' : 'anonymous'),
});

await server.start({
  transportType: 'httpStream',
  httpStream: { host: '127.0.0.1', port, endpoint: '/mcp' },
});
console.error(`FastMCP OAuth proxy listening on ${baseUrl} (MCP endpoint ${baseUrl}/mcp)`);

const stop = async () => {
  await server.stop();
  auth.getProxy().destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
