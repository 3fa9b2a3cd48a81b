// oidc-provider configuration for a non-DCR OIDC IdP: one pre-registered confidential client, PKCE S256 required,
// rotating refresh tokens, revocation and introspection on, no registration endpoint, our own login interaction.
import { exportJWK, generateKeyPair } from 'jose';
import { escapeHtml } from '../harness/login-page.ts';
import { fixtureUsers, upstreamClient } from '../fixtures.ts';
import type { ConsentConfiguration } from './implied-consent.ts';

export interface OidcConfigInput {
  redirectUris: string[];
  accessTokenTtlSeconds: number;
  /** The remembered consent to offline_access (implied-consent.ts). */
  consent: ConsentConfiguration;
}

/** oidc-provider validates client metadata, so an empty registration gets a loopback placeholder callback. */
const PLACEHOLDER_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Cookie signing keys are fixed: the mock's sessions need no secrecy, and fixed keys keep runs reproducible. */
const COOKIE_KEYS = ['mock-idp-cookie-key-1-not-a-secret', 'mock-idp-cookie-key-2-not-a-secret'];

const DAY = 24 * 60 * 60;

function findAccount(_ctx: unknown, sub: string) {
  const user = fixtureUsers.find((u) => u.sub === sub);
  if (!user) return undefined;
  return {
    accountId: user.sub,
    claims: async () => ({ sub: user.sub, name: user.name, email: user.email, email_verified: user.email_verified }),
  };
}

/** Errors render as a small escaped page (oidc-provider's default logs a notice asking to customise it). */
function renderError(ctx: { type: string; body: string }, out: Record<string, string>): void {
  ctx.type = 'html';
  const rows = Object.entries(out)
    .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v))}</p>`)
    .join('');
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Error</h1>${rows}</body></html>`;
}

export async function buildConfiguration(input: OidcConfigInput): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), use: 'sig', alg: 'RS256', kid: 'mock-idp-rs256' };
  return {
    clients: [
      {
        client_id: upstreamClient.client_id,
        client_secret: upstreamClient.client_secret,
        client_name: upstreamClient.client_name,
        redirect_uris: input.redirectUris.length > 0 ? input.redirectUris : [PLACEHOLDER_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // client_secret_post works as well: oidc-provider accepts either secret method for a secret-based client.
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount,
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    // ID tokens carry the scope's claims too, as most hosted IdPs do; generic clients often read email from them.
    conformIdTokenClaims: false,
    cookies: { keys: COOKIE_KEYS },
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
    },
    /** @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1 */
    pkce: { required: () => true },
    /** @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2 */
    rotateRefreshToken: true,
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      policy: input.consent.policy,
    },
    loadExistingGrant: input.consent.loadExistingGrant,
    clientBasedCORS: () => false,
    renderError,
    ttl: {
      AccessToken: input.accessTokenTtlSeconds,
      AuthorizationCode: 600,
      IdToken: 3600,
      RefreshToken: 14 * DAY,
      Interaction: 3600,
      Session: 14 * DAY,
      Grant: 14 * DAY,
    },
  };
}
