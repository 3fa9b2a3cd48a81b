// The whole authorization flow over real HTTP, without a browser: register → authorize → consent (form post with its
// CSRF token) → upstream login (login / login_hint appended, as the mock IdPs allow) → callback → code → tokens.
// Used by reliability tests, the multi-instance test and the benchmarks.
import type { MockIdpFlavor } from '../mock-idp/index.ts';
import { TestBrowser } from './test-browser.ts';
import { newPkce } from './pkce.ts';
import { consentFields, form } from './forms.ts';

export interface FlowTokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface FlowOptions {
  flavor: MockIdpFlavor;
  /** The client's redirect URI; nothing needs to listen there (the flow stops at the redirect). */
  redirectUri?: string;
  /** Extra registration metadata. */
  metadata?: Record<string, unknown>;
  user?: string;
  state?: string;
  browser?: TestBrowser;
}

export interface AuthorizedClient {
  base: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  browser: TestBrowser;
}

export async function registerHttpClient(base: string, options: FlowOptions): Promise<AuthorizedClient> {
  const browser = options.browser ?? new TestBrowser();
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:65000/callback';
  const response = await browser.fetch(`${base}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      client_name: 'HTTP flow client',
      ...options.metadata,
    }),
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { client_id: string; client_secret?: string };
  return {
    base,
    clientId: body.client_id,
    redirectUri,
    browser,
    ...(body.client_secret ? { clientSecret: body.client_secret } : {}),
  };
}

/** Runs authorize → consent → upstream → callback and returns the proxy's authorization code and PKCE verifier. */
export async function authorizeHttp(
  client: AuthorizedClient,
  options: FlowOptions,
): Promise<{ code: string; verifier: string; redirect: URL }> {
  const { base, browser } = client;
  const { verifier, challenge } = newPkce();
  const authorize = new URL(`${base}/authorize`);
  authorize.search = form({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: options.state ?? 'flow-state',
    resource: `${base}/mcp`,
  }).toString();
  const consentPage = await browser.fetch(authorize.href);
  if (consentPage.status !== 200)
    throw new Error(`authorize answered ${consentPage.status}: ${await consentPage.text()}`);
  const approved = await browser.fetch(`${base}/consent`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ ...consentFields(await consentPage.text()), decision: 'approve' }),
  });
  const location = approved.headers.get('location');
  if (location === null) throw new Error(`consent answered ${approved.status}: ${await approved.text()}`);
  const upstream = new URL(location);
  upstream.searchParams.set(options.flavor === 'oidc' ? 'login_hint' : 'login', options.user ?? 'alice');
  const redirect = await browser.followUntil(upstream.href, (u) => u.href.startsWith(client.redirectUri));
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`no code in the client redirect: ${redirect.href}`);
  return { code, verifier, redirect };
}

export async function exchangeCodeHttp(client: AuthorizedClient, code: string, verifier: string): Promise<Response> {
  return client.browser.fetch(`${client.base}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uri: client.redirectUri,
      resource: `${client.base}/mcp`,
    }),
  });
}

export async function refreshHttp(client: AuthorizedClient, refreshToken: string): Promise<Response> {
  return client.browser.fetch(`${client.base}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
}

/** Register, authorize and exchange: a client holding the proxy's tokens. */
export async function runHttpFlow(
  base: string,
  options: FlowOptions,
): Promise<AuthorizedClient & { tokens: FlowTokens }> {
  const client = await registerHttpClient(base, options);
  const { code, verifier } = await authorizeHttp(client, options);
  const response = await exchangeCodeHttp(client, code, verifier);
  if (response.status !== 200) throw new Error(`token answered ${response.status}: ${await response.text()}`);
  return { ...client, tokens: (await response.json()) as FlowTokens };
}
