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
  /** Base URL of the proxy (its issuer identifier unless `issuer` says otherwise). */
  target: string;
  /** Expected issuer identifier; default: the target without a trailing slash. */
  issuer: string;
  /** The MCP endpoint guarded by the proxy; default `<target>/mcp`. */
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

export function defaultIssuer(target: string): string {
  return target.replace(/\/+$/, '');
}

export function normaliseSettings(partial: Partial<SuiteSettings> & { target: string }): SuiteSettings {
  const issuer = partial.issuer ?? defaultIssuer(partial.target);
  const revision = partial.revision ?? LATEST_REVISION;
  if (!REVISIONS.includes(revision)) throw new Error(`unknown MCP revision ${revision}`);
  return {
    target: partial.target,
    issuer,
    mcp: partial.mcp ?? `${issuer}/mcp`,
    upstream: partial.upstream ?? 'external',
    revision,
    requestTimeoutMs: partial.requestTimeoutMs ?? 5000,
    targetDescription: partial.targetDescription ?? {},
    ...(partial.harness ? { harness: partial.harness } : {}),
    ...(partial.cimd ? { cimd: partial.cimd } : {}),
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
