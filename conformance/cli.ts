// `oauth-proxy-conformance`: parses flags, runs the suite (run.ts) and exits with the gate's code
// (0 pass, 1 blocking failure or stale baseline, 2 usage error or broken run).
import { parseArgs } from 'node:util';
import { parseGrep } from './lib/model/selection.ts';
import { REVISIONS, type Revision } from './lib/model/vocabulary.ts';
import { UPSTREAM_MODES, type UpstreamMode } from './lib/target/settings.ts';
import { suiteVersion } from './lib/report/suite-version.ts';

const USAGE = `Usage: oauth-proxy-conformance --target URL [options]
       oauth-proxy-conformance --target-command "CMD" --upstream harness-oidc|harness-github [options]

Checks an OAuth proxy in front of an MCP server against RFC 8414/9728/7591/7636/9207/8707/7009, OAuth 2.1 and the
MCP authorization spec. Each check has a stable id, a level (MUST/SHOULD/MAY) and spec references.

  --target URL              base URL of the proxy under test; optional with --target-command (a free
                            loopback port is picked and given to the command)
  --mcp URL                 its MCP endpoint                                    (default <target>/mcp)
  --issuer ID               expected issuer identifier (default: read from the protected resource metadata's
                            authorization_servers, as an MCP client does)
  --upstream MODE           harness-oidc | harness-github | external                  (default external)
                            harness-*: start the mock IdP, give its UPSTREAM_* settings to the target and
                            check the upstream tier through its request log; external: upstream-tier checks
                            are not applicable and login upstream uses the target file's loginScript
  --target-command "CMD"    start the target with this shell command; its environment gets UPSTREAM_* (the
                            mock IdP's settings), TARGET_URL (--target as given), PROXY_BASE_URL (--target
                            without a trailing slash, never the issuer), PORT (the --target URL's port) and
                            CONFORMANCE_CIMD_* (the suite's metadata-document host)
  --target-file FILE        target description JSON (consent selectors, login script, allowlist, step-up tool, …)
  --revision REV            MCP revision: ${REVISIONS.join(' | ')}          (default ${REVISIONS.at(-1)})
  --report DIR              where report.json, junit.xml and html/ go          (default conformance-report)
  --expected-failures FILE  JSON array of check ids expected to fail (a baseline); one that passes is stale
  --strict                  SHOULD-level warnings also fail the run
  --grep REGEX              run only checks whose "<ID> <title>" matches (e.g. '^PKCE-', '^(DISC|PRM)-0[1-4] ')
  --idp-port N              port of the mock IdP in instrumented mode             (default: a free port)
  --wait SECONDS            how long to wait for the target to answer             (default 30)
  --timeout MS              per-request timeout                                  (default 5000)
  --workers N               parallel Playwright workers (faster; CONSENT-05 then skips its log comparison)
  -v, --verbose             a line per check as it finishes (default: progress every ten checks)
  -h, --help                this text
  --version                 the suite's version

Exit code: 0 when no MUST check failed (with --strict: and no SHOULD check), 1 otherwise or when an expected
failure now passes, 2 on a usage error or when the run itself broke.`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        target: { type: 'string' },
        mcp: { type: 'string' },
        issuer: { type: 'string' },
        upstream: { type: 'string' },
        'target-command': { type: 'string' },
        'target-file': { type: 'string' },
        revision: { type: 'string' },
        report: { type: 'string' },
        'expected-failures': { type: 'string' },
        strict: { type: 'boolean' },
        grep: { type: 'string' },
        'idp-port': { type: 'string' },
        wait: { type: 'string' },
        timeout: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`oauth-proxy-conformance: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${suiteVersion()}\n`);
    return 0;
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const target = str('target');
  const upstream = (str('upstream') ?? 'external') as UpstreamMode;
  const revision = str('revision') as Revision | undefined;
  const problems = [
    !target && !str('target-command') ? '--target (or --target-command) is required' : '',
    target && !URL.canParse(target) ? `--target ${target} is not a URL` : '',
    !UPSTREAM_MODES.includes(upstream) ? `--upstream must be one of ${UPSTREAM_MODES.join(', ')}` : '',
    revision && !REVISIONS.includes(revision) ? `--revision must be one of ${REVISIONS.join(', ')}` : '',
    grepProblem(str('grep')),
  ].filter(Boolean);
  if (problems.length) {
    process.stderr.write(`oauth-proxy-conformance: ${problems.join('; ')}\n\n${USAGE}\n`);
    return 2;
  }
  const num = (k: string): number | undefined => (str(k) !== undefined ? Number(str(k)) : undefined);
  // Loaded only now, so that --help and --version answer at once.
  const { runConformance } = await import('./run.ts');
  const run = await runConformance({
    ...(target ? { target } : {}),
    upstream,
    ...(str('mcp') ? { mcp: str('mcp') } : {}),
    ...(str('issuer') ? { issuer: str('issuer') } : {}),
    ...(str('target-command') ? { targetCommand: str('target-command') } : {}),
    ...(str('target-file') ? { targetFile: str('target-file') } : {}),
    ...(revision ? { revision } : {}),
    ...(str('report') ? { reportDir: str('report') } : {}),
    ...(str('expected-failures') ? { expectedFailures: str('expected-failures') } : {}),
    strict: values.strict === true,
    verbose: values.verbose === true,
    ...(str('grep') ? { grep: str('grep') } : {}),
    ...(num('idp-port') !== undefined ? { idpPort: num('idp-port') } : {}),
    ...(num('wait') !== undefined ? { waitSeconds: num('wait') } : {}),
    ...(num('timeout') !== undefined ? { requestTimeoutMs: num('timeout') } : {}),
    ...(num('workers') !== undefined ? { workers: num('workers') } : {}),
  });
  return run.exitCode;
}

function grepProblem(pattern: string | undefined): string {
  if (pattern === undefined) return '';
  try {
    parseGrep(pattern);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `oauth-proxy-conformance: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);
