// `mcp-oauth-proxy`: the standalone reference proxy. Reads flags, env vars and an optional JSON config file, prints
// one JSON ready line on stdout when listening, logs JSON on stderr, stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { ConfigError, loadServerConfig, SETTINGS, UPSTREAM_ENV_NAMES } from './config.ts';
import { generateJwks } from './generate-jwks.ts';
import { startProxyServer } from './start.ts';

const upstreamFlags = UPSTREAM_ENV_NAMES.map((name) => name.toLowerCase().replaceAll('_', '-'));

function usage(): string {
  const rows = Object.values(SETTINGS).map((s) => `  --${s.flag.padEnd(26)} ${s.env.padEnd(30)} ${s.help}`);
  const upstream = upstreamFlags.map((f, i) => `  --${f.padEnd(26)} ${UPSTREAM_ENV_NAMES[i]}`);
  return [
    'Usage: mcp-oauth-proxy [options]',
    '',
    'An OAuth 2.1 authorization server with Dynamic Client Registration in front of an MCP server, logging users in',
    'at an upstream identity provider that has no DCR (GitHub, Google, Azure AD, Auth0, any OIDC or OAuth 2 IdP).',
    '',
    'Every option is also an environment variable; flags win over variables, variables over --config FILE (JSON',
    'object keyed by the variable names).',
    '',
    '  --config FILE                                              JSON config file (PROXY_CONFIG_FILE)',
    ...rows,
    '',
    'Upstream identity provider (UPSTREAM_PROVIDER: oidc | oauth2 | github | google | azure | auth0):',
    ...upstream,
    '',
    'Signing keys: `mcp-oauth-proxy generate-jwks [ES256|EdDSA] > jwks.json` makes a private JWKS for --jwks-file.',
    '',
    'Example, against the GitHub-style mock:  npx mock-idp --flavor github   then export its proxyEnv and run',
    '  npx mcp-oauth-proxy --port 8080',
  ].join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === 'generate-jwks') {
    const alg = process.argv[3] ?? 'ES256';
    if (alg !== 'ES256' && alg !== 'EdDSA') {
      process.stderr.write('mcp-oauth-proxy: generate-jwks takes ES256 (default) or EdDSA\n');
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify(await generateJwks(alg), null, 2)}\n`);
    return;
  }
  const options: Record<string, { type: 'string' } | { type: 'boolean' }> = {
    help: { type: 'boolean' },
    config: { type: 'string' },
  };
  for (const s of Object.values(SETTINGS)) options[s.flag] = { type: 'string' };
  for (const f of upstreamFlags) options[f] = { type: 'string' };

  let flags: Record<string, string>;
  try {
    const { values } = parseArgs({ options, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(`${usage()}\n`);
      return;
    }
    flags = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch (error) {
    process.stderr.write(`mcp-oauth-proxy: ${(error as Error).message}\nRun with --help for the options.\n`);
    process.exit(2);
  }

  let running: Awaited<ReturnType<typeof startProxyServer>>;
  try {
    const config = loadServerConfig(flags, process.env);
    running = await startProxyServer(config);
  } catch (error) {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`mcp-oauth-proxy: ${message}\n`);
    process.exit(2);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Only now the ready line: a supervisor may signal as soon as it reads it, and a signal that arrives before the
  // handlers exist would kill the process with the default action instead of closing cleanly.
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', url: running.url, issuer: running.issuer, mcp: running.resource })}\n`,
  );
}

await main();
