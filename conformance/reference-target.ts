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
};

/**
 * The reference proxy's target description: its demo MCP server's scope-restricted tool for the step-up checks.
 * admin_audit needs mcp:admin; whoami needs mcp:tools, which mcp:admin implies.
 */
export const REFERENCE_TARGET_DESCRIPTION: TargetDescription = {
  stepUp: {
    tool: 'admin_audit',
    arguments: {},
    scope: 'mcp:admin',
    impliedTool: { tool: 'whoami', arguments: {} },
  },
};
