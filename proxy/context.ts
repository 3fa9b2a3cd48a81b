// What every endpoint receives: the resolved settings, typed storage, the signing and HMAC keys, prepared once in
// createOAuthProxy(); and, per request, the request's logger and what the request did (for its access log line).
import type { Logger } from 'pino';
import type { ClientDirectory } from './clients/client-directory.ts';
import { epochSeconds } from './clock.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import type { Records } from './records.ts';
import type { GrantCache } from './tokens/grant-cache.ts';
import type { ProxySettings } from './settings.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';

export interface ProxyContext {
  settings: ProxySettings;
  records: Records;
  /** The bearer check's short-lived view of live grants (PROXY_GRANT_CACHE_MS). */
  grantCache: GrantCache;
  /** Every client lookup: registered clients and client ID metadata documents. */
  clients: ClientDirectory;
  keys: SigningKeys;
  /** HMAC key of the consent cookies. */
  cookieKey: Buffer;
  /** HMAC key of the consent form's CSRF tokens. */
  csrfKey: Buffer;
  /** The scopes the proxy requests upstream, shown on the consent page. */
  upstreamScopes: string[];
  /** The registration rate limit (per instance). */
  registrationLimiter: RateLimiter;
  /** This request's logger (every line carries its request id); the proxy's root logger outside a request. */
  log: Logger;
  /** What this request did, reported on its access log line. */
  outcome: RequestOutcome;
}

export interface RequestOutcome {
  requestId: string;
  /** The client the request acted for, once known. */
  clientId?: string;
  /** The OAuth error code the request ended with (JSON error, error page or error redirect). */
  error?: string;
}

/** The context of one request: same settings and keys, its own logger and outcome. */
export function forRequest(ctx: ProxyContext, requestId: string): ProxyContext {
  return { ...ctx, log: ctx.settings.logger.child({ requestId }), outcome: { requestId } };
}

/** The proxy clock in whole seconds (JWT `iat`/`exp`, record timestamps). */
export function nowSeconds(ctx: Pick<ProxyContext, 'settings'>): number {
  return epochSeconds(ctx.settings.clock);
}
