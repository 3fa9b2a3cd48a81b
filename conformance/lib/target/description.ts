// The optional target description file (`--target-file target.json`): what the suite cannot discover by itself
// about a proxy (consent selectors, an upstream login script, allowlist expectations, declared lifetimes).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface TargetDescription {
  /**
   * Playwright selectors overriding the accessible-name search: the consent page's approve and deny controls, and the
   * control of a sign-in page the proxy shows on its own origin before the upstream (login-first proxies).
   */
  consent?: { approveSelector?: string; denySelector?: string; signInSelector?: string; csrfField?: string };
  /** Path (relative to the file) of an ES module whose default export `async (page, ctx) => void` signs in upstream. */
  loginScript?: string;
  /** Scope the test client requests; default: the protected resource metadata `scopes_supported`. */
  scope?: string;
  /** Redirect URIs the proxy's registration allowlist must refuse (DCR-13). */
  refusedRedirectUris?: string[];
  /**
   * The registration allowlist of redirect URI patterns the target enforces (`*` in a host is one DNS label, in a port
   * any port, at the end of a path any suffix); REDIR-11 derives the URIs it must refuse from each pattern.
   */
  redirectUriAllowlist?: string[];
  /** Seconds of refresh-token reuse grace the proxy is configured with (RT-08); default 0. */
  rtGraceSeconds?: number;
  /** Declared authorization code lifetime in seconds; CODE-04 waits it out when it is at most 30. */
  codeTtlSeconds?: number;
  /** Declared lifetime of a pending authorization (consent page, upstream sign-in) in seconds; LIFE-01 (≤ 30). */
  transactionTtlSeconds?: number;
  /** Declared lifetime of a remembered consent (consent cookie) in seconds; LIFE-03 (≤ 30). */
  consentCookieTtlSeconds?: number;
  /**
   * How long after issue an access token may still be accepted, in seconds: its lifetime plus any clock leeway of the
   * resource server; LIFE-02 (≤ 30). Default: the token response's expires_in.
   */
  accessTokenTtlSeconds?: number;
  /** The upstream client credentials the proxy uses, so the suite can prove they never leak (external mode). */
  upstreamClient?: { clientId?: string; clientSecret?: string };
  /**
   * External mode: a client ID metadata document published where the target can fetch it, listing the redirect URI
   * `http://127.0.0.1/callback` (loopback, any port); CIMD-01 uses it when the suite cannot host documents itself.
   */
  cimdDocumentUrl?: string;
  /** A tool that needs more than basic access, for the step-up checks (PRM-12, PRM-17 to PRM-19). */
  stepUp?: StepUpTool;
}

/** A scope-restricted tool and the scopes around it. */
export interface StepUpTool {
  /** The tool a token with only the basic scope (the 401 challenge's) may not call. */
  tool: string;
  /** Its arguments (default `{}`). */
  arguments?: Record<string, unknown>;
  /** Every scope the call needs, space-separated: what the 403 must name. */
  scope: string;
  /** A scope that implies `scope` in the server's hierarchy: a token holding only it must be able to call `tool`. */
  broaderScope?: string;
  /** A tool that needs a narrower scope which `scope` implies: a token holding only `scope` must be able to call it. */
  impliedTool?: { tool: string; arguments?: Record<string, unknown> };
}

const KNOWN_KEYS = new Set([
  'consent',
  'loginScript',
  'scope',
  'refusedRedirectUris',
  'redirectUriAllowlist',
  'rtGraceSeconds',
  'codeTtlSeconds',
  'transactionTtlSeconds',
  'consentCookieTtlSeconds',
  'accessTokenTtlSeconds',
  'upstreamClient',
  'cimdDocumentUrl',
  'stepUp',
]);

/** Reads and validates the file; the login script path becomes absolute. */
export function loadTargetDescription(path: string): TargetDescription {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return parseTargetDescription(raw, dirname(resolve(path)));
}

export function parseTargetDescription(raw: unknown, baseDir: string): TargetDescription {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('target description must be an object');
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !KNOWN_KEYS.has(k) && !k.startsWith('$'));
  if (unknown.length) throw new Error(`target description: unknown keys ${unknown.join(', ')}`);
  const desc = obj as TargetDescription;
  if (desc.rtGraceSeconds !== undefined && !(desc.rtGraceSeconds >= 0)) throw new Error('rtGraceSeconds must be >= 0');
  for (const key of [
    'codeTtlSeconds',
    'transactionTtlSeconds',
    'consentCookieTtlSeconds',
    'accessTokenTtlSeconds',
  ] as const) {
    const v = desc[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new Error(`${key} must be a number of seconds > 0`);
  }
  if (desc.redirectUriAllowlist && !Array.isArray(desc.redirectUriAllowlist)) {
    throw new Error('redirectUriAllowlist must be an array of patterns');
  }
  if (desc.refusedRedirectUris && !Array.isArray(desc.refusedRedirectUris)) {
    throw new Error('refusedRedirectUris must be an array of URLs');
  }
  if (desc.stepUp !== undefined) assertStepUp(desc.stepUp);
  return desc.loginScript ? { ...desc, loginScript: resolve(baseDir, desc.loginScript) } : desc;
}

function assertStepUp(value: unknown): asserts value is StepUpTool {
  const step = value as Partial<StepUpTool> | null;
  const isArgs = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v));
  if (typeof step !== 'object' || step === null) throw new Error('stepUp must be an object');
  if (typeof step.tool !== 'string' || step.tool === '') throw new Error('stepUp.tool must name a tool');
  if (typeof step.scope !== 'string' || step.scope.trim() === '') throw new Error('stepUp.scope must name its scopes');
  if (!isArgs(step.arguments)) throw new Error('stepUp.arguments must be an object');
  if (step.broaderScope !== undefined && (typeof step.broaderScope !== 'string' || step.broaderScope.trim() === '')) {
    throw new Error('stepUp.broaderScope must be a scope');
  }
  const implied = step.impliedTool;
  if (implied !== undefined && (typeof implied?.tool !== 'string' || !isArgs(implied.arguments))) {
    throw new Error('stepUp.impliedTool must be { "tool": "…", "arguments": {…} }');
  }
}
