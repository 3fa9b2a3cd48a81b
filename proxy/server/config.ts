// The server's configuration from its three text sources (flags > environment variables > JSON config file), read
// through the option tables (proxy/options/): the proxy's own options, the server's, and the upstream IdP's. Every
// problem is a ConfigError naming the flag or variable at fault, raised before the server builds anything.
import { readFileSync } from 'node:fs';
import { isLoopbackHost } from '../http/loopback.ts';
import { OptionError, resolveTable, type ResolvedTable } from '../options/option.ts';
import { PROXY_OPTIONS, type ProxyTableOptions } from '../options/proxy-option-table.ts';
import { configFileValues, readTable, type TextSources } from '../options/read-options.ts';
import { SERVER_OPTIONS } from '../options/server-option-table.ts';
import { UPSTREAM_OPTIONS } from '../options/upstream-option-table.ts';
import { upstreamConfig } from '../upstream/config-from-env.ts';
import type { UpstreamConfig } from '../upstream/types.ts';

export interface ServerConfig {
  /** The proxy options that were set; createOAuthProxy applies the defaults. */
  proxy: ProxyTableOptions;
  /** The server's own settings, defaults applied. */
  server: ResolvedTable<typeof SERVER_OPTIONS>;
  /** The upstream IdP, validated for its provider. */
  upstream: UpstreamConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every table the server reads, in --help order. */
export const OPTION_SECTIONS = [
  { title: 'Proxy', table: PROXY_OPTIONS },
  { title: 'Server', table: SERVER_OPTIONS },
  { title: 'Upstream identity provider', table: UPSTREAM_OPTIONS },
] as const;

/** `flags` are `name → value` as parsed (no dashes); `config` (or PROXY_CONFIG_FILE) names the JSON file. */
export function loadServerConfig(
  flags: Readonly<Record<string, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  try {
    const file = flags.config ?? (env.PROXY_CONFIG_FILE || undefined);
    const sources: TextSources = {
      flags,
      env,
      ...(file !== undefined ? { file: { path: file, values: readConfigFile(file) } } : {}),
    };
    const proxy = readTable(PROXY_OPTIONS, sources);
    const server = resolveTable(SERVER_OPTIONS, readTable(SERVER_OPTIONS, sources));
    assertIssuerDerivable(proxy, server);
    return { proxy, server, upstream: upstreamConfig(readTable(UPSTREAM_OPTIONS, sources)) };
  } catch (error) {
    if (error instanceof OptionError) throw new ConfigError(error.message);
    throw error;
  }
}

function readConfigFile(path: string): Record<string, string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  return configFileValues(
    path,
    parsed,
    OPTION_SECTIONS.map((s) => s.table),
  );
}

/**
 * Without PROXY_BASE_URL the issuer is the listening address, which only works on loopback: bound to every
 * interface, the server cannot know the URL its clients use.
 */
function assertIssuerDerivable(proxy: ProxyTableOptions, server: ServerConfig['server']): void {
  if (proxy.baseUrl !== undefined) return;
  const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
  if (isLoopbackHost(host)) return;
  throw new ConfigError(
    `HOST=${server.host} (--host) listens beyond loopback, so the issuer cannot be derived from the listening ` +
      'address: set PROXY_BASE_URL (--base-url) to the public https URL your MCP clients use, e.g. ' +
      'https://mcp.example.com (TLS terminated in front of the proxy)',
  );
}
