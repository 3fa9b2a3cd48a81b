// `mock-idp --flavor oidc|github …`: starts a mock upstream IdP, prints one JSON "ready" line on stdout with what a
// proxy under test needs, and serves until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { packageFile } from './package-root.ts';
import type { MockIdpFlavor, StartMockIdpOptions } from './types.ts';

// stdout carries exactly one JSON line; library notices (oidc-provider prints some with console.info) go to stderr.
console.log = console.error;
console.info = console.error;

const USAGE = `Usage: mock-idp --flavor oidc|github [options]

Starts a mock upstream identity provider on loopback and prints one JSON line:
  {"event":"ready","flavor":…,"url":…,"issuer"?:…,"client":{…},"proxyEnv":{…}}

Options:
  --flavor oidc|github   oidc: oidc-provider based OpenID Provider (no registration endpoint);
                         github: GitHub-style OAuth app endpoints and REST user API   (required)
  --port N               TCP port (default 0: the OS picks one)
  --host H               interface to bind (default 127.0.0.1)
  --redirect-uri URI     a registered callback URI of the pre-registered client (repeatable)
  --strict-redirects     accept registered redirect URIs only (default: any loopback URI is accepted too)
  --expiring-tokens      github flavor: GitHub's expiring user tokens (expires_in, ghr_ refresh tokens)
  --access-token-ttl S   access token lifetime in seconds
  --print json|env|dotenv
                         what to print once ready: the JSON line (default), the proxy settings as shell
                         "export" lines, or as KEY=VALUE lines for mcp-oauth-proxy --env-file
  -h, --help             show this help
  --version              show the version

Quick start, in two terminals (a fixed port keeps the printed settings the same on every restart):
  npx mock-idp --flavor github --port 4000 --print dotenv > mock-idp.env
  npx mcp-oauth-proxy --env-file mock-idp.env --port 8080

Harness: GET/DELETE /__harness/requests, POST/DELETE /__harness/faults, GET /__harness/tokens.`;

function fail(message: string): never {
  process.stderr.write(`mock-idp: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

type PrintFormat = 'json' | 'env' | 'dotenv';

function parseOptions(argv: string[]): (StartMockIdpOptions & { print: PrintFormat }) | 'help' | 'version' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        flavor: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'strict-redirects': { type: 'boolean' },
        'expiring-tokens': { type: 'boolean' },
        'access-token-ttl': { type: 'string' },
        print: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (values.flavor !== 'oidc' && values.flavor !== 'github') fail('--flavor must be "oidc" or "github"');
  const print = values.print ?? 'json';
  if (print !== 'json' && print !== 'env' && print !== 'dotenv') fail('--print must be json, env or dotenv');
  const options: StartMockIdpOptions & { print: PrintFormat } = { flavor: values.flavor as MockIdpFlavor, print };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got "${values.port}"`);
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  for (const uri of values['redirect-uri'] ?? []) {
    if (!URL.canParse(uri)) fail(`--redirect-uri is not an absolute URI: "${uri}"`);
  }
  if (values['redirect-uri']) options.redirectUris = values['redirect-uri'];
  if (values['strict-redirects']) options.strictRedirects = true;
  if (values['expiring-tokens']) {
    if (options.flavor !== 'github') fail('--expiring-tokens applies to the github flavor only');
    options.expiringTokens = true;
  }
  if (values['access-token-ttl'] !== undefined) {
    const ttl = Number(values['access-token-ttl']);
    if (!Number.isInteger(ttl) || ttl <= 0) fail('--access-token-ttl must be a positive integer (seconds)');
    options.accessTokenTtlSeconds = ttl;
  }
  return options;
}

const parsed = parseOptions(process.argv.slice(2));
if (parsed === 'version') {
  const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
if (parsed === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const { print, ...startOptions } = parsed;
const { startMockIdp } = await import('./start.ts');
let idp;
try {
  idp = await startMockIdp(startOptions);
} catch (err) {
  process.stderr.write(`mock-idp: could not start: ${(err as Error).message}\n`);
  process.exit(1);
}

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  idp!.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** A value as POSIX shell (single quotes) or dotenv (double quotes when needed) would read it back. */
function quoted(value: string, format: 'env' | 'dotenv'): string {
  if (format === 'env') return `'${value.replaceAll("'", "'\\''")}'`;
  return /^[\w.:/@%+,-]*$/.test(value) ? value : JSON.stringify(value);
}

// Handlers are installed before the ready line: a supervisor may signal as soon as it reads it, and a signal that
// arrives before a handler exists kills the process with the default action instead of a clean close.
if (print !== 'json') {
  const lines = Object.entries(idp.proxyEnv).map(
    ([name, value]) => `${print === 'env' ? 'export ' : ''}${name}=${quoted(value, print)}`,
  );
  process.stdout.write(
    `# mock-idp ${idp.flavor} at ${idp.url}: settings for the proxy under test\n${lines.join('\n')}\n`,
  );
  process.stderr.write(`mock-idp: ${idp.flavor} flavor ready at ${idp.url}\n`);
} else
  process.stdout.write(
    `${JSON.stringify({
      event: 'ready',
      flavor: idp.flavor,
      url: idp.url,
      ...(idp.issuer ? { issuer: idp.issuer } : {}),
      endpoints: idp.endpoints,
      client: idp.client,
      proxyEnv: idp.proxyEnv,
    })}\n`,
  );
