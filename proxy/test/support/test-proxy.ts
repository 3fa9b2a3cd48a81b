// Builds a proxy against the fake upstream and drives the OAuth flow through proxy.fetch, in process.
import { pino } from 'pino';
import { createOAuthProxy, type OAuthProxy } from '../../app.ts';
import type { ProxyOptions } from '../../options/proxy-options.ts';
import type { McpHandler } from '../../resource/auth-info.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import { createFakeUpstream, type FakeUpstream } from './fake-upstream.ts';
import { consentFields, form } from '../../../testkit/forms.ts';
import { newPkce } from '../../../testkit/pkce.ts';

export { consentFields, form };

export const BASE = 'https://proxy.test';
export const CLIENT_REDIRECT = 'https://client.test/callback';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface TestProxy {
  proxy: OAuthProxy;
  upstream: FakeUpstream;
  store: MemoryStore;
}

/** Echoes the AuthInfo the bearer check established, as JSON. */
export const echoAuthHandler: McpHandler = async (_request, auth) =>
  Response.json({
    sub: auth.sub,
    clientId: auth.clientId,
    scopes: auth.scopes,
    grantId: auth.grantId,
    user: auth.user,
  });

export async function createTestProxy(overrides: Partial<ProxyOptions> = {}): Promise<TestProxy> {
  const upstream = createFakeUpstream();
  const store = (overrides.store as MemoryStore | undefined) ?? new MemoryStore({ sweepIntervalMs: 0 });
  const proxy = await createOAuthProxy({
    baseUrl: BASE,
    upstream,
    signing: { kind: 'secret', secret: SIGNING_SECRET },
    logger: pino({ level: 'silent' }),
    mcpHandler: echoAuthHandler,
    ...overrides,
    store,
  });
  return { proxy, upstream, store };
}

export async function registerClient(
  proxy: OAuthProxy,
  metadata: Record<string, unknown> = {},
): Promise<{ status: number; body: Record<string, unknown> & { client_id: string; client_secret?: string } }> {
  const response = await proxy.fetch(
    new Request(`${BASE}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [CLIENT_REDIRECT],
        token_endpoint_auth_method: 'none',
        client_name: 'Test Client',
        ...metadata,
      }),
    }),
  );
  return { status: response.status, body: (await response.json()) as never };
}

export function postForm(
  proxy: OAuthProxy,
  path: string,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return proxy.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: form(fields),
    }),
  );
}

export function authorizeUrl(params: Record<string, string | undefined>): string {
  return `${BASE}/authorize?${form(params).toString()}`;
}

export interface FlowResult {
  code: string;
  verifier: string;
  challenge: string;
  state: string;
  clientId: string;
  redirect: URL;
}

/** register (unless a client is given) → authorize → consent approve → upstream callback → the proxy's code. */
export async function obtainCode(
  t: TestProxy,
  options: { clientId?: string; authorize?: Record<string, string | undefined> } = {},
): Promise<FlowResult> {
  const clientId = options.clientId ?? (await registerClient(t.proxy)).body.client_id;
  const { verifier, challenge } = newPkce();
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const page = await t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        resource: `${BASE}/mcp`,
        ...options.authorize,
      }),
    ),
  );
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.headers.get('location')}`);
  const approved = await postForm(t.proxy, '/consent', { ...consentFields(await page.text()), decision: 'approve' });
  const upstreamUrl = new URL(approved.headers.get('location') ?? '');
  const callback = await t.proxy.fetch(
    new Request(`${BASE}/auth/callback?code=upstream-code&state=${upstreamUrl.searchParams.get('state')}`),
  );
  const redirect = new URL(callback.headers.get('location') ?? '');
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirect.href}`);
  return { code, verifier, challenge, state, clientId, redirect };
}

export async function exchangeCode(
  t: TestProxy,
  flow: FlowResult,
  extra: Record<string, string | undefined> = {},
): Promise<Response> {
  return postForm(t.proxy, '/token', {
    grant_type: 'authorization_code',
    code: flow.code,
    code_verifier: flow.verifier,
    client_id: flow.clientId,
    redirect_uri: CLIENT_REDIRECT,
    resource: `${BASE}/mcp`,
    ...extra,
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

/** The whole flow up to a token response. */
export async function obtainTokens(t: TestProxy): Promise<{ flow: FlowResult; tokens: Tokens }> {
  const flow = await obtainCode(t);
  const response = await exchangeCode(t, flow);
  if (response.status !== 200) throw new Error(`token answered ${response.status}: ${await response.text()}`);
  return { flow, tokens: (await response.json()) as Tokens };
}

export function callMcp(proxy: OAuthProxy, accessToken: string | undefined): Promise<Response> {
  return proxy.fetch(
    new Request(`${BASE}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(accessToken !== undefined ? { Authorization: `Bearer ${accessToken}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    }),
  );
}
