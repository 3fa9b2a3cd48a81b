// Assembles the GitHub-style flavor: a small Hono app with GitHub's OAuth web flow, REST user API, grant
// revocation and trap routes (GitHub has no registration endpoint and no authorization server metadata).
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { NodeHandler } from '../harness/front-server.ts';
import type { RedirectPolicy } from '../harness/redirect-policy.ts';
import type { TokenLedger } from '../harness/token-ledger.ts';
import type { MockIdpEndpoints } from '../types.ts';
import { GITHUB_TOKEN_PATH, mountAccessToken } from './access-token.ts';
import { mountApplications } from './applications.ts';
import { denyLocationFor, GITHUB_AUTHORIZATION_PATH, mountAuthorize } from './authorize.ts';
import { GithubStore } from './store.ts';
import { GITHUB_USER_PATH, mountUserApi } from './user-api.ts';

export { GITHUB_AUTHORIZATION_PATH };

export interface GithubFlavorInput {
  baseUrl: string;
  policy: RedirectPolicy;
  ledger: TokenLedger;
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
}

export interface GithubFlavor {
  handler: NodeHandler;
  endpoints: MockIdpEndpoints;
  authorizationPath: string;
  denyLocation: (query: URLSearchParams) => string | undefined;
}

/** Routes a well-behaved proxy never calls on GitHub; they answer 404 as GitHub does (and are recorded). */
export const GITHUB_TRAP_ROUTES = [
  ['POST', '/register'],
  ['POST', '/oauth/register'],
  ['GET', '/.well-known/oauth-authorization-server'],
  ['GET', '/.well-known/openid-configuration'],
] as const;

export function createGithubFlavor(input: GithubFlavorInput): GithubFlavor {
  const store = new GithubStore();
  const app = new Hono();
  mountAuthorize(app, store, input.policy);
  mountAccessToken(app, {
    store,
    ledger: input.ledger,
    expiringTokens: input.expiringTokens,
    accessTokenTtlSeconds: input.accessTokenTtlSeconds,
  });
  mountUserApi(app, store, input.baseUrl);
  mountApplications(app, store);
  app.notFound((c) => c.text('Not Found', 404));

  const base = input.baseUrl;
  return {
    handler: getRequestListener(app.fetch) as NodeHandler,
    authorizationPath: GITHUB_AUTHORIZATION_PATH,
    endpoints: {
      authorization: `${base}${GITHUB_AUTHORIZATION_PATH}`,
      token: `${base}${GITHUB_TOKEN_PATH}`,
      userinfo: `${base}${GITHUB_USER_PATH}`,
      registrationTrap: `${base}/register`,
    },
    denyLocation: (query) => denyLocationFor(input.policy, query),
  };
}
