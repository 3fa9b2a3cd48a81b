// How the kit's own runs (demo, mutants, multi-instance) start the reference proxy as a conformance target. One place,
// so the three runs test the same configuration.

/**
 * Environment for the reference proxy under the suite: the suite registers many clients from one address (so the
 * registration rate limit is raised), one offered scope (so clients can follow the MCP scope selection strategy), a
 * fixed signing key, and quieter logs. Everything else is the proxy's default configuration.
 */
export const REFERENCE_PROXY_ENV: Readonly<Record<string, string>> = {
  PROXY_REGISTRATION_RATE_LIMIT: '1000',
  PROXY_SIGNING_KEY: 'demo-signing-key-not-for-production-0123456789',
  PROXY_SCOPES: 'mcp:tools',
  LOG_LEVEL: 'warn',
};

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
