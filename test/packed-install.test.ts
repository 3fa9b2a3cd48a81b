// The packages as a user gets them, with no source tree in reach: packed with `npm pack`, installed into an empty
// project with plain `npm install` (dependencies from the registry), then used only through what they ship: the
// three bins, the library from a type-checked TypeScript file, and a whole conformance run against the installed
// proxy and mock IdP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_CIMD_ASSIGNMENTS, referenceTargetCommand } from '../conformance/reference-target.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKSPACES = ['mock-idp', 'proxy', 'conformance'] as const;
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let tarballs: Record<(typeof WORKSPACES)[number], string>;
let project: string;
const children: ChildProcess[] = [];

/** Runs a command in the installed project, with nothing of the repository on PATH or NODE_PATH. */
function inProject(command: string, args: string[], options: { cwd?: string; timeout?: number } = {}) {
  return run(command, args, {
    cwd: options.cwd ?? project,
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '',
    },
  });
}

function bin(name: string): string {
  return join(project, 'node_modules', '.bin', name);
}

/** Starts a bin and resolves with its first stdout line that is JSON with event "ready". */
function startReady(name: string, args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(bin(name), args, {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.event === 'ready') resolve(parsed);
      } catch {
        // not the ready line
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready: ${stderr}`)));
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'packed-install-'));
  const packs = join(work, 'tarballs');
  mkdirSync(packs);
  const packed = await run(
    'npm',
    ['pack', '--json', '--pack-destination', packs, ...WORKSPACES.flatMap((w) => ['--workspace', w])],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const entries = JSON.parse(packed.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  tarballs = Object.fromEntries(
    WORKSPACES.map((w) => {
      const entry = entries.find((e) => e.name === `@mcp-oauth-kit/${w}`);
      if (!entry) throw new Error(`npm pack made no tarball for ${w}`);
      return [w, join(packs, entry.filename)];
    }),
  ) as typeof tarballs;
  for (const entry of entries) {
    const files = entry.files.map((f) => f.path);
    if (files.some((f) => /(^|\/)test\//.test(f) || /\.test\.[jt]s$/.test(f))) {
      throw new Error(`${entry.name} ships test files`);
    }
    if (files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')))
      throw new Error(`${entry.name} ships .ts sources`);
  }
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'newcomer', private: true, type: 'module' }));
  await inProject(
    'npm',
    [
      'install',
      ...NPM_FLAGS,
      tarballs['mock-idp'],
      tarballs.proxy,
      tarballs.conformance,
      'typescript@5.9',
      '@types/node@20',
    ],
    { timeout: 300_000 },
  );
}, 420_000);

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages, installed into an empty project', () => {
  it.each([
    ['mcp-oauth-proxy', /Usage: mcp-oauth-proxy/],
    ['mock-idp', /Usage: mock-idp/],
    ['oauth-proxy-conformance', /Usage: oauth-proxy-conformance/],
  ])('%s answers --help and --version with plain node', async (name, usage) => {
    const help = await inProject(bin(name), ['--help']);
    expect(help.stdout).toMatch(usage);
    const short = await inProject(bin(name), ['-h']);
    expect(short.stdout).toBe(help.stdout);
    expect((await inProject(bin(name), ['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves the library to a TypeScript file that type-checks', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['embed.ts'],
      }),
    );
    writeFileSync(
      join(project, 'embed.ts'),
      [
        "import { createOAuthProxy, OAuthError, PROXY_OPTIONS, type AuthInfo, type ProxyOptions } from '@mcp-oauth-kit/proxy';",
        "import { createStore, MemoryStore, RedisStore, type Store } from '@mcp-oauth-kit/proxy/storage';",
        "import { createUpstream, upstreamConfigFromEnv } from '@mcp-oauth-kit/proxy/upstream';",
        "import { loadServerConfig, startProxyServer } from '@mcp-oauth-kit/proxy/server';",
        "import { startMockIdp, type MockIdp } from '@mcp-oauth-kit/mock-idp';",
        "import { runConformance, type CheckResult, type Report } from '@mcp-oauth-kit/conformance';",
        '',
        'export async function embed(): Promise<Response> {',
        "  const idp: MockIdp = await startMockIdp({ flavor: 'github' });",
        '  const store: Store = new MemoryStore();',
        '  const options: ProxyOptions = {',
        "    baseUrl: 'http://127.0.0.1:3000',",
        '    upstream: await createUpstream(upstreamConfigFromEnv(idp.proxyEnv)),',
        '    store,',
        "    signing: { kind: 'secret', secret: 'x'.repeat(32) },",
        '    mcpHandler: async (_request: Request, auth: AuthInfo) => Response.json({ user: auth.user.sub }),',
        '  };',
        '  const proxy = await createOAuthProxy(options);',
        "  const auth = await proxy.verifyBearer(new Request('http://127.0.0.1:3000/mcp')).catch((e: unknown) => e);",
        '  if (auth instanceof OAuthError) return proxy.bearerChallenge(auth);',
        '  return new Response(String(Object.keys(PROXY_OPTIONS).length));',
        '}',
        'export const unused = [createStore, RedisStore, loadServerConfig, startProxyServer];',
        "export async function gate(): Promise<CheckResult['outcome'][]> {",
        "  const run = await runConformance({ target: 'http://127.0.0.1:3000', log: () => {} });",
        '  const report: Report = run.report;',
        '  return report.checks.map((c) => c.outcome);',
        '}',
      ].join('\n'),
    );
    // Resolves only when tsc exits 0; a type error (or a missing compiler) rejects with its output.
    const checked = await inProject(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
    expect(checked.stdout).toBe('');
  });

  it('runs the conformance suite against the installed proxy and mock IdP with no failure', async () => {
    const idp = await startReady('mock-idp', ['--flavor', 'github'], {});
    // The suite starts the installed proxy itself, so that it can hand it the host of the client ID metadata
    // documents it serves (CONFORMANCE_CIMD_*), which the proxy trusts through its own test-only options.
    const envFile = join(work, 'proxy.env');
    const proxyEnv = {
      ...(idp.proxyEnv as Record<string, string>),
      PROXY_SIGNING_KEY: 'packed-install-signing-key-0123456789abcdef',
      PROXY_SCOPES: 'mcp:tools',
      PROXY_REGISTRATION_RATE_LIMIT: '1000',
      LOG_LEVEL: 'warn',
    };
    writeFileSync(
      envFile,
      Object.entries(proxyEnv)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    const report = join(work, 'report');
    const suite = await inProject(
      bin('oauth-proxy-conformance'),
      [
        '--target-command',
        `${REFERENCE_CIMD_ASSIGNMENTS} ${JSON.stringify(bin('mcp-oauth-proxy'))} --env-file ${JSON.stringify(envFile)}`,
        '--upstream',
        'external',
        '--report',
        report,
      ],
      { timeout: 600_000 },
    ).catch((error: { code?: number; stdout?: string }) => error);
    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { summary: Record<string, number> };
    const stdout = 'stdout' in suite ? (suite.stdout ?? '') : '';
    expect(json.summary.fail, stdout).toBe(0);
    expect(json.summary.pass).toBeGreaterThan(100);
    expect('code' in suite ? suite.code : 0, stdout).toBe(0);
    expect(readdirSync(report)).toEqual(expect.arrayContaining(['report.json', 'junit.xml', 'index.html', 'traces']));
  }, 660_000);

  it('installs the proxy alone without test tooling (no Playwright, no mock IdP, no oidc-provider)', async () => {
    const alone = join(work, 'proxy-only');
    mkdirSync(alone);
    writeFileSync(join(alone, 'package.json'), JSON.stringify({ name: 'operator', private: true }));
    await inProject('npm', ['install', ...NPM_FLAGS, tarballs.proxy], { cwd: alone, timeout: 300_000 });
    const installed = readdirSync(join(alone, 'node_modules'));
    for (const absent of ['playwright', 'playwright-core', '@playwright', 'oidc-provider', 'tsx', 'vitest']) {
      expect(installed).not.toContain(absent);
    }
    expect(readdirSync(join(alone, 'node_modules', '@mcp-oauth-kit'))).toEqual(['proxy']);
    const help = await inProject(join(alone, 'node_modules', '.bin', 'mcp-oauth-proxy'), ['--help'], { cwd: alone });
    expect(help.stdout).toContain('PROXY_BASE_URL');
  }, 360_000);
});

describe('the CI gate: the steps of action.yml, run as a script against the reference proxy', () => {
  interface Step {
    id?: string;
    run?: string;
    uses?: string;
    env?: Record<string, string>;
  }
  const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: Step[] } };
  const steps = action.runs.steps;

  /** The step's env with `${{ inputs.x }}` / `${{ steps.gate.outputs.x }}` filled in, as the runner would. */
  function expand(env: Record<string, string> = {}, values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(env).map(([key, value]) => [
        key,
        value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => values[name] ?? ''),
      ]),
    );
  }

  async function runSteps(inputs: Record<string, string>): Promise<{ outputs: Record<string, string>; exit: number }> {
    const githubOutput = join(work, `github-output-${Date.now()}`);
    writeFileSync(githubOutput, '');
    const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`inputs.${k}`, v]));
    const gate = steps.find((s) => s.id === 'gate');
    if (!gate?.run) throw new Error('action.yml has no gate step');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: githubOutput,
      ...expand(gate.env, values),
      // The unpublished version is not on the registry: install the tarballs this test packed instead.
      GATE_SUITE_PACKAGE: `${tarballs['mock-idp']} ${tarballs.conformance}`,
      GATE_SUITE_DIR: join(work, 'gate-suite'),
      // The reference proxy reads these from the environment the suite passes on to its command.
      PROXY_SIGNING_KEY: 'gate-signing-key-0123456789abcdef0123456789',
      PROXY_SCOPES: 'mcp:tools',
      PROXY_REGISTRATION_RATE_LIMIT: '1000',
      LOG_LEVEL: 'warn',
    };
    await run('bash', ['-c', gate.run], { cwd: work, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    const outputs = Object.fromEntries(
      readFileSync(githubOutput, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('=') as [string, string]),
    );
    const last = steps.at(-1);
    const outputValues = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [`steps.gate.outputs.${k}`, v]));
    const exit = await run('bash', ['-c', last?.run ?? 'exit 2'], {
      env: { ...env, ...expand(last?.env, outputValues) },
    })
      .then(() => 0)
      .catch((error: { code?: number }) => error.code ?? 2);
    return { outputs, exit };
  }

  it('uploads the report folder the gate step names, even when the gate fails', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload).toMatchObject({ if: 'always()' });
    expect(JSON.stringify(upload)).toContain('steps.gate.outputs.report-dir');
  });

  it('passes the job when the reference proxy passes, and fails it on a stale baseline', async () => {
    const common = {
      'target-command': referenceTargetCommand(join(ROOT, 'proxy/bin/mcp-oauth-proxy.js')),
      upstream: 'harness-github',
      'suite-version': 'unpublished',
    };
    const pass = await runSteps({ ...common, 'report-dir': join(work, 'gate-report') });
    expect(pass.outputs['exit-code']).toBe('0');
    expect(pass.exit).toBe(0);
    expect(readdirSync(join(work, 'gate-report'))).toEqual(expect.arrayContaining(['report.json', 'junit.xml']));

    const baseline = join(work, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(['DISC-01']));
    const stale = await runSteps({
      ...common,
      'expected-failures': baseline,
      'report-dir': join(work, 'gate-report-stale'),
      args: '--grep DISC-01',
    });
    expect(stale.outputs['exit-code']).toBe('1');
    expect(stale.exit).toBe(1);
  }, 1_200_000);
});
