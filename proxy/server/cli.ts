// `mcp-oauth-proxy`: the standalone reference proxy. Reads flags, environment variables and an optional JSON config
// file through the option tables, prints one JSON ready line on stdout when listening, logs JSON on stderr, and stops
// cleanly on SIGINT/SIGTERM. --help and --version load nothing but the tables, so they answer at once.
import { readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { helpRows } from '../options/help.ts';
import type { OptionSpec } from '../options/option.ts';
import { ConfigError, loadServerConfig, OPTION_SECTIONS } from './config.ts';
import { packageVersion } from './package-version.ts';

function usage(): string {
  return [
    'Usage: mcp-oauth-proxy [options]',
    '       mcp-oauth-proxy generate-jwks [ES256|EdDSA] > jwks.json',
    '',
    'An OAuth 2.1 authorization server (client registration by metadata document or RFC 7591, PKCE, consent) in front',
    'of an MCP server, signing users in at an upstream identity provider that has no dynamic registration (GitHub,',
    'Google, Azure AD, Auth0, any OpenID or OAuth 2 provider).',
    '',
    'Every option is a flag and an environment variable. Flags win over variables, variables over --config FILE, a',
    'JSON object keyed by variable names (or option keys), e.g. {"PROXY_BASE_URL": "https://mcp.example.com"}.',
    '',
    '  --config FILE                                PROXY_CONFIG_FILE',
    '  --env-file FILE                              KEY=VALUE lines (e.g. from mock-idp --print dotenv); variables',
    '                                               already in the environment win over the file',
    '  -h, --help                                   this text',
    '  --version                                    the version',
    ...helpRows(OPTION_SECTIONS),
    '',
    'Quick start against the GitHub-style mock IdP, in two terminals:',
    '  npx mock-idp --flavor github --port 4000 --print dotenv > mock-idp.env',
    '  npx mcp-oauth-proxy --env-file mock-idp.env --port 8080',
  ].join('\n');
}

function flagOptions(): Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    config: { type: 'string' },
    'env-file': { type: 'string' },
  };
  for (const { table } of OPTION_SECTIONS) {
    for (const spec of Object.values(table) as OptionSpec<unknown>[]) options[spec.flag] = { type: 'string' };
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`mcp-oauth-proxy: ${message}\n`);
  process.exit(2);
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    fail(`--env-file ${path}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'generate-jwks') {
    const alg = process.argv[3] ?? 'ES256';
    if (alg !== 'ES256' && alg !== 'EdDSA') fail('generate-jwks takes ES256 (default) or EdDSA');
    const { generateJwks } = await import('./generate-jwks.ts');
    process.stdout.write(`${JSON.stringify(await generateJwks(alg), null, 2)}\n`);
    return;
  }
  let flags: Record<string, string>;
  try {
    const { values } = parseArgs({ options: flagOptions(), strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(`${usage()}\n`);
      return;
    }
    if (values.version) {
      process.stdout.write(`${packageVersion(import.meta.url)}\n`);
      return;
    }
    flags = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch (error) {
    fail(`${(error as Error).message}\nRun mcp-oauth-proxy --help for the options.`);
  }

  let config;
  try {
    const { 'env-file': envFile, ...settings } = flags;
    config = loadServerConfig(
      settings,
      envFile === undefined ? process.env : { ...readEnvFile(envFile), ...process.env },
    );
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { startProxyServer } = await import('./start.ts');
  let running: Awaited<ReturnType<typeof startProxyServer>>;
  try {
    running = await startProxyServer(config);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    running.close(signal).then(
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
