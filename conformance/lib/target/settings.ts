// What a check run is pointed at. The CLI serialises these into CONFORMANCE_SETTINGS for the Playwright workers;
// running `npx playwright test` directly works with CONFORMANCE_TARGET (and optional CONFORMANCE_MCP …) instead.
import { LATEST_REVISION, REVISIONS, type Revision } from '../model/vocabulary.ts';
import type { TargetDescription } from './description.ts';
import type { MetadataDocumentHostInfo } from './metadata-document-server.ts';

export type UpstreamMode = 'harness-oidc' | 'harness-github' | 'external';

export const UPSTREAM_MODES: readonly UpstreamMode[] = ['harness-oidc', 'harness-github', 'external'];

export interface HarnessInfo {
  /** Loopback URL of the CLI's harness control server (mock IdP request log). */
  controlUrl: string;
  idpUrl: string;
  upstreamClientId: string;
  upstreamClientSecret: string;
}

export interface SuiteSettings {
  /** Base URL of the proxy under test (`--target`). */
  target: string;
  /**
   * Expected issuer identifier (`--issuer`). Unset, the suite takes it from the protected resource metadata's
   * `authorization_servers`, as an MCP client does (lib/oauth/issuer.ts), never from the target URL.
   */
  issuer?: string;
  /** The MCP endpoint guarded by the proxy; default `<target>/mcp` (never derived from the issuer). */
  mcp: string;
  upstream: UpstreamMode;
  revision: Revision;
  /** Per-request timeout in milliseconds. */
  requestTimeoutMs: number;
  targetDescription: TargetDescription;
  harness?: HarnessInfo;
  /** The suite's client ID metadata document host, when it runs one (instrumented mode, or a target command). */
  cimd?: MetadataDocumentHostInfo;
}

/** The target URL without a trailing slash: `http://h:8080/` → `http://h:8080`. */
export function targetBase(target: string): string {
  return target.replace(/\/+$/, '');
}

export function normaliseSettings(partial: Partial<SuiteSettings> & { target: string }): SuiteSettings {
  const revision = partial.revision ?? LATEST_REVISION;
  if (!REVISIONS.includes(revision)) throw new Error(`unknown MCP revision ${revision}`);
  return {
    target: partial.target,
    ...(partial.issuer !== undefined ? { issuer: partial.issuer } : {}),
    // From the target, not the issuer: an issuer with a path (`…/api/auth`) or a trailing slash says nothing about
    // where the MCP endpoint is.
    mcp: partial.mcp ?? `${targetBase(partial.target)}/mcp`,
    upstream: partial.upstream ?? 'external',
    revision,
    requestTimeoutMs: partial.requestTimeoutMs ?? 5000,
    targetDescription: partial.targetDescription ?? {},
    ...(partial.harness ? { harness: partial.harness } : {}),
    ...(partial.cimd ? { cimd: partial.cimd } : {}),
  };
}

/**
 * What `--target-command` finds in its environment (besides the mock IdP's UPSTREAM_* settings):
 * - `TARGET_URL`: `--target` exactly as given;
 * - `PROXY_BASE_URL`: the same base URL without a trailing slash (the reference proxy's name for its public URL;
 *   never the issuer, which a target derives itself and may put under a path);
 * - `PORT`: the port of the target URL (its scheme's default when the URL has none), to listen on.
 */
export function targetCommandEnvironment(settings: Pick<SuiteSettings, 'target'>): Record<string, string> {
  const url = new URL(settings.target);
  return {
    TARGET_URL: settings.target,
    PROXY_BASE_URL: targetBase(settings.target),
    PORT: url.port || (url.protocol === 'https:' ? '443' : '80'),
  };
}

/** Reads the settings in a Playwright worker. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SuiteSettings {
  if (env.CONFORMANCE_SETTINGS) return normaliseSettings(JSON.parse(env.CONFORMANCE_SETTINGS) as SuiteSettings);
  const target = env.CONFORMANCE_TARGET;
  if (!target) throw new Error('no target: set CONFORMANCE_SETTINGS or CONFORMANCE_TARGET (or use the CLI)');
  return normaliseSettings({
    target,
    ...(env.CONFORMANCE_MCP ? { mcp: env.CONFORMANCE_MCP } : {}),
    ...(env.CONFORMANCE_REVISION ? { revision: env.CONFORMANCE_REVISION as Revision } : {}),
  });
}
