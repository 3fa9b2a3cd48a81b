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
