// In-memory state of the GitHub-style IdP: pending logins, authorization codes, access and refresh tokens.
// Token shapes follow GitHub's: `gho_` + 36 base62 characters, `ghr_` + 76.
import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** GitHub's authorization codes live 10 minutes. */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** GitHub's refresh tokens live six months (15897600 s). */
export const REFRESH_TOKEN_TTL_SECONDS = 15_897_600;

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** The redirect_uri parameter as sent (GitHub compares it at the token endpoint only when it was sent). */
  redirectUriParam: string | undefined;
  state: string | undefined;
  scope: string;
  codeChallenge: string | undefined;
}

export interface AuthorizationCode extends AuthorizationRequest {
  userId: string;
  expiresAt: number;
}

export interface TokenRecord {
  value: string;
  userId: string;
  clientId: string;
  /** Comma-separated, as GitHub reports scopes in token responses. */
  scope: string;
  /** Epoch ms; undefined = never expires (classic OAuth app tokens). */
  expiresAt: number | undefined;
}

export class GithubStore {
  readonly pending = new Map<string, AuthorizationRequest>();
  /** Signed-in browsers: `user_session` cookie value → user id. */
  readonly sessions = new Map<string, string>();
  /** Scopes each user has authorized for each app: `${clientId} ${userId}` → scopes. */
  readonly authorized = new Map<string, Set<string>>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, TokenRecord>();

  /** Parks an authorization request while the login page is shown. */
  park(request: AuthorizationRequest): string {
    const id = randomUUID();
    this.pending.set(id, request);
    return id;
  }

  issueCode(request: AuthorizationRequest, userId: string, now = Date.now()): string {
    const code = base62(20);
    this.codes.set(code, { ...request, userId, expiresAt: now + CODE_TTL_MS });
    return code;
  }

  /** Single use: a code is removed the first time it is presented, whatever the outcome. */
  takeCode(code: string, now = Date.now()): AuthorizationCode | undefined {
    const record = this.codes.get(code);
    this.codes.delete(code);
    if (!record || record.expiresAt <= now) return undefined;
    return record;
  }

  issueAccessToken(base: Omit<TokenRecord, 'value' | 'expiresAt'>, ttlSeconds: number | undefined): TokenRecord {
    const record: TokenRecord = {
      ...base,
      value: `gho_${base62(36)}`,
      expiresAt: ttlSeconds === undefined ? undefined : Date.now() + ttlSeconds * 1000,
    };
    this.accessTokens.set(record.value, record);
    return record;
  }

  issueRefreshToken(base: Omit<TokenRecord, 'value' | 'expiresAt'>): TokenRecord {
    const record: TokenRecord = {
      ...base,
      value: `ghr_${base62(76)}`,
      expiresAt: Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
    };
    this.refreshTokens.set(record.value, record);
    return record;
  }

  findAccessToken(value: string, now = Date.now()): TokenRecord | undefined {
    const record = this.accessTokens.get(value);
    if (!record || (record.expiresAt !== undefined && record.expiresAt <= now)) return undefined;
    return record;
  }

  /** Rotation: the presented refresh token is consumed. */
  takeRefreshToken(value: string, now = Date.now()): TokenRecord | undefined {
    const record = this.refreshTokens.get(value);
    this.refreshTokens.delete(value);
    if (!record || (record.expiresAt !== undefined && record.expiresAt <= now)) return undefined;
    return record;
  }

  /** Starts a browser session for a user who just signed in; the value is the `user_session` cookie's. */
  signIn(userId: string): string {
    const session = base62(48);
    this.sessions.set(session, userId);
    return session;
  }

  /** Remembers that the user authorized these (comma-separated) scopes for the app. */
  authorize(clientId: string, userId: string, scope: string): void {
    const key = `${clientId} ${userId}`;
    const scopes = this.authorized.get(key) ?? new Set<string>();
    for (const s of scope.split(',').filter(Boolean)) scopes.add(s);
    this.authorized.set(key, scopes);
  }

  /** Whether the user has authorized every one of these (comma-separated) scopes for the app already. */
  hasAuthorized(clientId: string, userId: string, scope: string): boolean {
    const scopes = this.authorized.get(`${clientId} ${userId}`);
    return scopes !== undefined && scope.split(',').every((s) => s === '' || scopes.has(s));
  }

  /**
   * Revokes every token of this user for this app and forgets the authorization (what deleting an app
   * authorization does): the next web flow shows the authorization page again.
   */
  revokeGrant(clientId: string, userId: string): void {
    this.authorized.delete(`${clientId} ${userId}`);
    for (const map of [this.accessTokens, this.refreshTokens]) {
      for (const [value, record] of map) {
        if (record.clientId === clientId && record.userId === userId) map.delete(value);
      }
    }
  }
}
