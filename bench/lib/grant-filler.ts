// `node --import tsx bench/lib/grant-filler.ts`: the proxy built from its modules as proxy/server/start.ts builds it
// (memory storage encrypted with the signing secret, logging at info to the null device), serving HTTP, which on the
// line `fill N` from stdin creates N grants in-process: each a grant record as the callback stores it, then its
// access and refresh tokens from issueTokens (the code the token endpoint uses), spread over a hundred clients
// registered over HTTP. A code flow per grant would take minutes; the records are the same. It then proves one of
// them real over HTTP (the refresh token at /token, the access token at /mcp) and answers {"event":"filled"}.
// Environment: the mock IdP's UPSTREAM_* settings and PROXY_SIGNING_KEY (benchProxyEnv).
import { devNull } from 'node:os';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createOAuthProxy } from '../../proxy/app.ts';
import type { ProxyContext } from '../../proxy/context.ts';
import { randomToken } from '../../proxy/crypto/random.ts';
import { grantTtlSeconds, issueTokens } from '../../proxy/grants/token-issuance.ts';
import { keys, records, type GrantRecord } from '../../proxy/records.ts';
import { createDemoMcpHandler } from '../../proxy/resource/demo-mcp-server.ts';
import { loadServerConfig } from '../../proxy/server/config.ts';
import { createLogger } from '../../proxy/server/logger.ts';
import { resolveSettings } from '../../proxy/settings.ts';
import { createStore } from '../../proxy/storage/index.ts';
import { loadSigningKeys } from '../../proxy/tokens/signing-keys.ts';
import { createUpstream } from '../../proxy/upstream/index.ts';
import { form } from '../../testkit/forms.ts';
import { mcpHeaders, TOOLS_LIST_BODY } from './mcp-request.ts';
import { serveFetch } from './proxy-stack.ts';

const CLIENTS = 100;

const config = loadServerConfig({ port: '0' }, process.env as Record<string, string>);
const secret = config.server.signingKey;
if (secret === undefined) throw new Error('grant-filler needs PROXY_SIGNING_KEY');
const logger = createLogger('info', pino.destination({ dest: devNull, sync: true }));
const upstream = await createUpstream(config.upstream);
const store = await createStore('memory', { encryptionSecrets: [secret] });
const route: { fetch?: (request: Request) => Promise<Response> } = {};
const listening = await serveFetch((request) => route.fetch!(request));
const options = {
  ...config.proxy,
  baseUrl: listening.url,
  upstream,
  store,
  signing: { kind: 'secret' as const, secret },
  cookieSecret: secret,
  registrationRateLimitPerMinute: 0,
  logger,
  mcpHandler: createDemoMcpHandler({ upstream }),
};
const proxy = await createOAuthProxy(options);
route.fetch = proxy.fetch;

// issueTokens reads the settings, the records, the signing keys and the logger of its context; the same ones the
// proxy built for itself from the same options and store.
const settings = resolveSettings(options);
const ctx = {
  settings,
  records: records(store),
  keys: loadSigningKeys(settings.signing),
  log: logger,
} as Partial<ProxyContext> as ProxyContext;

const clientIds: string[] = [];
for (let i = 0; i < CLIENTS; i += 1) {
  const response = await fetch(`${listening.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: ['http://127.0.0.1:65000/callback'],
      token_endpoint_auth_method: 'none',
      client_name: `bench client ${i}`,
    }),
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
  clientIds.push(((await response.json()) as { client_id: string }).client_id);
}

/** One grant as the callback stores it (upstream tokens like the github mock's) and its first token pair. */
async function createGrant(index: number): Promise<{ clientId: string; access: string; refresh: string }> {
  const clientId = clientIds[index % CLIENTS]!;
  const grantId = randomToken();
  const now = Math.floor(Date.now() / 1000);
  const grant: GrantRecord = {
    clientId,
    user: { sub: `${100000 + (index % 1000)}`, name: `Bench User ${index % 1000}`, login: `user${index % 1000}` },
    scopes: [],
    resource: settings.resource,
    upstreamTokens: { accessToken: `gho_${randomToken()}`, tokenType: 'bearer', scope: 'read:user user:email' },
    createdAt: now,
  };
  await ctx.records.set(keys.grant(grantId), grant, grantTtlSeconds(ctx));
  const tokens = await issueTokens(ctx, { grantId, grant, accessScopes: [], refreshScopes: [], generation: 1 });
  return { clientId, access: tokens.access_token, refresh: tokens.refresh_token };
}

async function fill(count: number): Promise<void> {
  const started = performance.now();
  let sample: { clientId: string; access: string; refresh: string } | undefined;
  for (let i = 0; i < count; i += 1) {
    const made = await createGrant(i);
    if (i === Math.floor(count / 2)) sample = made;
    // Token issuance no longer waits on a thread-pool job: without a turn of the event loop now and then, the server in
    // this process would not serve its sockets (keep-alive timers) until the loop ends.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  // One grant proven real end to end: its access token opens the MCP endpoint, its refresh token rotates at /token.
  const mcp = await fetch(`${listening.url}/mcp`, {
    method: 'POST',
    headers: mcpHeaders(sample!.access),
    body: TOOLS_LIST_BODY,
  });
  if (mcp.status !== 200) throw new Error(`an in-process grant's access token got ${mcp.status} at /mcp`);
  const refreshed = await fetch(`${listening.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ grant_type: 'refresh_token', refresh_token: sample!.refresh, client_id: sample!.clientId }),
  });
  if (refreshed.status !== 200) throw new Error(`an in-process grant's refresh token got ${refreshed.status}`);
  process.stdout.write(`${JSON.stringify({ event: 'filled', count, seconds })}\n`);
}

const stop = (): void => {
  void listening
    .close()
    .then(() => proxy.close())
    .then(() => store.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
createInterface({ input: process.stdin }).on('line', (line) => {
  const match = /^fill (\d+)$/.exec(line.trim());
  if (match) {
    fill(Number(match[1])).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
  }
});
process.stdin.on('end', stop);
process.stdout.write(`${JSON.stringify({ event: 'ready', url: listening.url })}\n`);
