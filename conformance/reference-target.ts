// How the kit's own runs (demo, mutants, multi-instance) start the reference proxy as a conformance target, and what
// they tell the suite about it. One place, so the runs test the same configuration.
import type { TargetDescription } from './lib/target/description.ts';

/**
 * Environment for the reference proxy under the suite: the suite registers many clients from one address (so the
 * registration rate limit is raised), a fixed signing key, and quieter logs. Everything else, the scopes included
 * (`mcp:tools` for basic access, `mcp:admin` for admin_audit, `mcp:admin` implying `mcp:tools`), is the proxy's
 * default configuration.
 */
export const REFERENCE_PROXY_ENV: Readonly<Record<string, string>> = {
  PROXY_REGISTRATION_RATE_LIMIT: '1000',
  PROXY_SIGNING_KEY: 'demo-signing-key-not-for-production-0123456789',
  LOG_LEVEL: 'warn',
  // Short test lifetimes (the proxy warns about the access token's), so that the lifetime checks (CODE-04, LIFE-01 to
  // LIFE-03) can wait each out while the other checks run, in about the time those take (some 20 s on two cores);
  // REFERENCE_LIFETIMES declares them to the suite. A flow takes well under a second, so 15 s leaves a loaded CI
  // machine a wide margin.
  PROXY_CODE_TTL: '10',
  PROXY_TRANSACTION_TTL: '15',
  PROXY_ACCESS_TOKEN_TTL: '15',
  // A remembered consent outlives a few flows on a loaded machine: CONSENT-01 and CONSENT-04 try it right after the
  // approval (at 5 s, a mutant run on a busy CI machine saw it expire and the tampering went untested).
  PROXY_CONSENT_TTL: '20',
};

/**
 * The lifetimes REFERENCE_PROXY_ENV configures, as the target description declares them. An access token is accepted
 * up to its bearer check's 5 s clock tolerance after expiry, so it is declared 5 s longer than PROXY_ACCESS_TOKEN_TTL.
 */
export const REFERENCE_LIFETIMES = {
  codeTtlSeconds: 10,
  transactionTtlSeconds: 15,
  accessTokenTtlSeconds: 20,
  consentCookieTtlSeconds: 20,
} as const satisfies TargetDescription;

/**
 * Shell assignments handing the suite's client ID metadata document host to the reference proxy: the suite gives a
 * target command CONFORMANCE_CIMD_HOST/ADDRESS/CA_FILE, and the reference proxy's own (dangerous, test-only) options
 * map that one host name to the loopback address and trust the run's CA for it. Empty when there is no host.
 */
export const REFERENCE_CIMD_ASSIGNMENTS =
  'PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS="${CONFORMANCE_CIMD_HOST:+$CONFORMANCE_CIMD_HOST=$CONFORMANCE_CIMD_ADDRESS}" ' +
  'PROXY_CIMD_CA_FILE="${CONFORMANCE_CIMD_CA_FILE:-}"';

/** The command line that starts the reference proxy (`node <bin>`) as a suite target. */
export function referenceTargetCommand(bin: string): string {
  return `${REFERENCE_CIMD_ASSIGNMENTS} node ${JSON.stringify(bin)}`;
}

/**
 * The reference proxy's target description: its test lifetimes, and its demo MCP server's scope-restricted tool for the
 * step-up checks.
 * admin_audit needs mcp:admin; whoami needs mcp:tools, which mcp:admin implies.
 */
export const REFERENCE_TARGET_DESCRIPTION: TargetDescription = {
  ...REFERENCE_LIFETIMES,
  stepUp: {
    tool: 'admin_audit',
    arguments: {},
    scope: 'mcp:admin',
    impliedTool: { tool: 'whoami', arguments: {} },
  },
};
