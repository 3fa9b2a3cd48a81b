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

/**
 * The context of one request: same settings and keys, its own logger and outcome. The logger is made on first use: a
 * pino child with redaction costs more than the bearer check, and most requests log nothing but their access line,
 * which app.ts writes with the root logger. A class, so every request's context has one shape and the getter lives on
 * the prototype.
 */
export function forRequest(ctx: ProxyContext, requestId: string): ProxyContext {
  return new RequestContext(ctx, requestId);
}

class RequestContext implements ProxyContext {
  readonly settings: ProxySettings;
  readonly records: Records;
  readonly grantCache: GrantCache;
  readonly clients: ClientDirectory;
  readonly keys: SigningKeys;
  readonly cookieKey: Buffer;
  readonly csrfKey: Buffer;
  readonly upstreamScopes: string[];
  readonly registrationLimiter: RateLimiter;
  readonly outcome: RequestOutcome;
  #log: Logger | undefined;

  constructor(ctx: ProxyContext, requestId: string) {
    this.settings = ctx.settings;
    this.records = ctx.records;
    this.grantCache = ctx.grantCache;
    this.clients = ctx.clients;
    this.keys = ctx.keys;
    this.cookieKey = ctx.cookieKey;
    this.csrfKey = ctx.csrfKey;
    this.upstreamScopes = ctx.upstreamScopes;
    this.registrationLimiter = ctx.registrationLimiter;
    this.outcome = { requestId };
  }

  get log(): Logger {
    return (this.#log ??= this.settings.logger.child({ requestId: this.outcome.requestId }));
  }
}

/** The proxy clock in whole seconds (JWT `iat`/`exp`, record timestamps). */
export function nowSeconds(ctx: Pick<ProxyContext, 'settings'>): number {
  return epochSeconds(ctx.settings.clock);
}
