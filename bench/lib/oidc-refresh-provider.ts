// The refresh benchmark's other side: a plain oidc-provider 9 (the certified OpenID Provider library the mock IdP
// embeds), in-memory adapter (its default), one public client (token_endpoint_auth_method none, PKCE) allowed the
// refresh_token grant, refresh tokens rotated for public clients (the library's default rotateRefreshToken) and
// opaque access tokens. Plain OAuth 2.0 scopes, no `openid`: no ID token is signed on refresh, as the proxy signs
// none. Its one interaction signs the bench user in and grants the requested scope at once, so an HTTP driver with
// a cookie jar completes a code flow without a page.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { createProvider } from '../../mock-idp/oidc/load-provider.ts';
import { newPkce } from '../../testkit/pkce.ts';
import { TestBrowser } from '../../testkit/test-browser.ts';
import type { Listening } from './proxy-stack.ts';

export const OIDC_BENCH_CLIENT_ID = 'bench-public-client';
export const OIDC_BENCH_REDIRECT_URI = 'http://127.0.0.1:65000/callback';
const SCOPE = 'bench';
const ACCOUNT = 'bench-user';
const DAY = 24 * 3600;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export async function startOidcRefreshProvider(): Promise<Listening> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const provider = await createProvider(issuer, {
    clients: [
      {
        client_id: OIDC_BENCH_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [OIDC_BENCH_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        application_type: 'native',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    scopes: [SCOPE],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    // A refresh token for every grant of a client allowed the grant (the default wants OIDC's offline_access), living
    // on without the sign-in session (the default ties it to the session without offline_access).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['bench-oidc-cookie-key-not-a-secret'] },
    // Its own signing key, so that no development-key warning is printed (no token is signed: all are opaque).
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      RefreshToken: 14 * DAY,
      Grant: 14 * DAY,
      Interaction: 600,
      Session: DAY,
    },
  });
  provider.proxy = false;
  const callback = provider.callback();
  const interact = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: ACCOUNT, clientId: details.params.client_id as string });
    // Without resource indicators, oidc-provider keeps a grant's plain scopes with its OIDC ones.
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT }, consent: { grantId } });
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      interact(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
      return;
    }
    callback(req, res);
  });
  return {
    url: issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A code flow with PKCE against that provider (authorize → interaction → code → token): a fresh token pair. */
export async function oidcCodeFlow(issuer: string): Promise<TokenPair> {
  const browser = new TestBrowser();
  const { verifier, challenge } = newPkce();
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: OIDC_BENCH_CLIENT_ID,
    redirect_uri: OIDC_BENCH_REDIRECT_URI,
    scope: SCOPE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'bench-state',
  }).toString();
  const redirect = await browser.followUntil(authorize.href, (u) => u.href.startsWith(OIDC_BENCH_REDIRECT_URI));
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`no code in the redirect: ${redirect.href}`);
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: OIDC_BENCH_CLIENT_ID,
      redirect_uri: OIDC_BENCH_REDIRECT_URI,
    }),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`oidc-provider token answered ${response.status}: ${body}`);
  const tokens = JSON.parse(body) as Partial<TokenPair>;
  if (tokens.refresh_token === undefined || tokens.access_token === undefined) {
    throw new Error(`oidc-provider issued no refresh token: ${body}`);
  }
  return tokens as TokenPair;
}
