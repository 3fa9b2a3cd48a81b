// Assembles the oidc flavor: oidc-provider behind our interaction routes, with loopback redirect leniency, the
// consent to offline_access implied and remembered (implied-consent.ts), and every issued token noted in the ledger.
import { randomBytes } from 'node:crypto';
import type { TokenInstance } from 'oidc-provider';
import { findUser, fixtureUsers, upstreamClient } from '../fixtures.ts';
import { requestUrl, type NodeHandler } from '../harness/front-server.ts';
import type { RedirectPolicy } from '../harness/redirect-policy.ts';
import type { TokenLedger } from '../harness/token-ledger.ts';
import type { MockIdpEndpoints } from '../types.ts';
import { buildConfiguration } from './configuration.ts';
import { impliedOfflineConsent } from './implied-consent.ts';
import { handleInteraction, INTERACTION_PREFIX } from './interactions.ts';
import { createProvider } from './load-provider.ts';
import { followLoginHint } from './login-hint.ts';

export const OIDC_AUTHORIZATION_PATH = '/auth';

export interface OidcFlavorInput {
  issuer: string;
  policy: RedirectPolicy;
  ledger: TokenLedger;
  accessTokenTtlSeconds: number;
  internalToken: string;
}

export interface OidcFlavor {
  handler: NodeHandler;
  endpoints: MockIdpEndpoints;
  denyLocation: (query: URLSearchParams) => string | undefined;
}

function userIdOf(accountId: string | undefined): string {
  return fixtureUsers.find((u) => u.sub === accountId)?.id ?? accountId ?? '';
}

export async function createOidcFlavor(input: OidcFlavorInput): Promise<OidcFlavor> {
  const consent = await impliedOfflineConsent(OIDC_AUTHORIZATION_PATH);
  const configuration = await buildConfiguration({
    redirectUris: [...input.policy.registered],
    accessTokenTtlSeconds: input.accessTokenTtlSeconds,
    consent: consent.configuration,
  });
  configuration.allowOmittingSingleRegisteredRedirectUri = input.policy.registered.length > 0;
  const provider = await createProvider(input.issuer, configuration);
  provider.proxy = false;

  const { policy } = input;
  // Redirect URIs: registered ones exactly, plus any loopback URI unless strict (documented test leniency).
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value: string): boolean {
    return policy.allows(value);
  };
  provider.use(consent.middleware);

  const seen = new Set<string>();
  const note = (type: 'access_token' | 'refresh_token') => (token: TokenInstance) => {
    if (seen.has(token.jti)) return;
    seen.add(token.jti);
    input.ledger.add({ type, value: token.jti, user: userIdOf(token.accountId) });
  };
  provider.on('access_token.saved', note('access_token'));
  provider.on('refresh_token.saved', note('refresh_token'));

  const callback = provider.callback();
  const handler: NodeHandler = (req, res) => {
    const url = requestUrl(req);
    if (url.pathname.startsWith(INTERACTION_PREFIX)) {
      void handleInteraction(provider, req, res);
      return;
    }
    const internal = req.headers['x-mock-idp-internal'] === input.internalToken;
    if (!internal && req.method === 'GET' && url.pathname === OIDC_AUTHORIZATION_PATH) {
      if (findUser(url.searchParams.get('login_hint') ?? undefined)) {
        followLoginHint(input.issuer, input.internalToken, `${url.pathname}${url.search}`, res).catch(() => {
          if (!res.headersSent) res.writeHead(502).end();
        });
        return;
      }
    }
    callback(req, res);
  };

  const base = input.issuer;
  return {
    handler,
    endpoints: {
      authorization: `${base}${OIDC_AUTHORIZATION_PATH}`,
      token: `${base}/token`,
      userinfo: `${base}/me`,
      revocation: `${base}/token/revocation`,
      introspection: `${base}/token/introspection`,
      jwks: `${base}/jwks`,
      registrationTrap: `${base}/reg`,
    },
    denyLocation: (query) => {
      const redirectUri = query.get('redirect_uri') ?? undefined;
      if (!policy.allows(redirectUri)) return undefined;
      const target = new URL(redirectUri);
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'End-User denied the authorization request');
      const state = query.get('state');
      if (state !== null) target.searchParams.set('state', state);
      target.searchParams.set('iss', base);
      return target.href;
    },
  };
}

/** A per-instance secret marking the IdP's requests to itself. */
export function newInternalToken(): string {
  return randomBytes(16).toString('hex');
}

export const oidcScopes = upstreamClient.scopes.oidc;
