// An in-process upstream IdP for unit tests: it records every call and can be told to fail, so the proxy's flow can
// be driven without a network. The e2e tests use the real mock IdPs instead.
import type {
  AuthorizationUrlParams,
  CodeExchangeParams,
  UpstreamProvider,
  UpstreamTokens,
  UpstreamUser,
} from '../../upstream/types.ts';
import { UpstreamError, type UpstreamErrorKind } from '../../upstream/types.ts';

export const FAKE_IDP = 'https://idp.test';

export interface FakeUpstream extends UpstreamProvider {
  calls: {
    authorizationUrl: AuthorizationUrlParams[];
    exchangeCode: CodeExchangeParams[];
    refresh: string[];
    revoke: UpstreamTokens[];
  };
  /** The next exchangeCode / refresh fails with this kind. */
  failNext: { exchange?: UpstreamErrorKind; refresh?: UpstreamErrorKind };
  /** Seconds until issued upstream access tokens expire. */
  accessTokenTtl: number;
  issued: string[];
}

export function createFakeUpstream(user: Partial<UpstreamUser> = {}): FakeUpstream {
  let counter = 0;
  const fake: FakeUpstream = {
    name: 'github',
    calls: { authorizationUrl: [], exchangeCode: [], refresh: [], revoke: [] },
    failNext: {},
    accessTokenTtl: 3600,
    issued: [],
    authorizationUrl(params) {
      fake.calls.authorizationUrl.push(params);
      const url = new URL(`${FAKE_IDP}/login/oauth/authorize`);
      url.searchParams.set('client_id', 'upstream-client');
      url.searchParams.set('redirect_uri', params.redirectUri);
      url.searchParams.set('state', params.state);
      url.searchParams.set('code_challenge', params.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      url.searchParams.set('scope', 'read:user user:email');
      return url;
    },
    async exchangeCode(params) {
      fake.calls.exchangeCode.push(params);
      const kind = fake.failNext.exchange;
      if (kind) {
        fake.failNext.exchange = undefined;
        throw new UpstreamError(kind, `fake ${kind}`);
      }
      return tokens();
    },
    async refresh(refreshToken) {
      fake.calls.refresh.push(refreshToken);
      const kind = fake.failNext.refresh;
      if (kind) {
        fake.failNext.refresh = undefined;
        throw new UpstreamError(kind, `fake ${kind}`);
      }
      return tokens();
    },
    async revoke(t) {
      fake.calls.revoke.push(t);
    },
    async userInfo(accessToken) {
      if (!fake.issued.includes(accessToken)) throw new UpstreamError('invalid_grant', 'unknown upstream token');
      return { sub: '1001', login: 'alice', name: 'Alice', email: 'alice@example.com', raw: {}, ...user };
    },
  };
  function tokens(): UpstreamTokens {
    counter += 1;
    const accessToken = `gho_upstream_access_${counter}`;
    fake.issued.push(accessToken);
    return {
      accessToken,
      tokenType: 'bearer',
      refreshToken: `ghr_upstream_refresh_${counter}`,
      expiresAt: Math.floor(Date.now() / 1000) + fake.accessTokenTtl,
      scope: 'read:user',
    };
  }
  return fake;
}
