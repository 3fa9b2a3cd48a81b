// The benchmark runner end to end on its smallest setting: it completes and writes a well-formed result. Speed is
// never asserted here; only the benchmark's own ratios, measured in one run, say anything about performance.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../lib/report.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const results = mkdtempSync(join(tmpdir(), 'bench-smoke-'));

afterAll(() => rmSync(results, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick --only bearer', () => {
  it('completes, prints the table and writes a timestamped JSON and latest.json with positive figures', async () => {
    const run = await runBench(['--quick', '--only', 'bearer', '--results', results]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('bearer check');

    const files = readdirSync(results);
    expect(files).toContain('latest.json');
    expect(files.filter((f) => /^\d{4}-\d\d-\d\dT.*Z\.json$/.test(f))).toHaveLength(1);

    const report = JSON.parse(readFileSync(join(results, 'latest.json'), 'utf8')) as BenchReport;
    expect(report).toMatchObject({ schemaVersion: 1, options: { quick: true, only: ['bearer'] }, problems: [] });
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    const bearer = report.figures.find((f) => f.id === 'bearer.rps');
    expect(bearer, JSON.stringify(report.figures)).toBeDefined();
    expect(bearer).toMatchObject({ benchmark: 'bearer', unit: 'req/s', goal: { on: 'ratio', op: '>=', target: 0.9 } });
    expect(bearer!.value).toBeGreaterThan(0);
    expect(bearer!.baseline!.value).toBeGreaterThan(0);
    expect(bearer!.ratio).toBeGreaterThan(0);
    expect(['meets', 'below goal']).toContain(bearer!.verdict);
  });
});

describe('npm run bench -- --quick --only refresh', () => {
  it("carries every connection's refresh-token chain through the rounds of both sides and reports them", async () => {
    const run = await runBench(['--quick', '--only', 'refresh', '--results', results]);
    expect(run.code, run.output).toBe(0);
    const report = JSON.parse(readFileSync(join(results, 'latest.json'), 'utf8')) as BenchReport;
    expect(report).toMatchObject({ options: { quick: true, only: ['refresh'] }, problems: [] });
    const rps = report.figures.find((f) => f.id === 'refresh.rps');
    expect(rps, JSON.stringify(report.figures)).toMatchObject({
      benchmark: 'refresh',
      unit: 'req/s',
      baseline: { name: 'oidc-provider 9' },
      goal: { on: 'ratio', op: '>=', target: 1 },
    });
    expect(rps!.value).toBeGreaterThan(0);
    expect(rps!.baseline!.value).toBeGreaterThan(0);
  });
});

describe('npm run bench -- --quick --only gateway', () => {
  it('forwards through the proxy, a web-standard and a bare forwarder to the minimal backend and to server-everything', async () => {
    const run = await runBench(['--quick', '--only', 'gateway', '--results', results]);
    expect(run.code, run.output).toBe(0);
    const report = JSON.parse(readFileSync(join(results, 'latest.json'), 'utf8')) as BenchReport;
    expect(report).toMatchObject({ options: { quick: true, only: ['gateway'] }, problems: [] });
    const ids = [
      'gateway.rps',
      'gateway.forward.cpu',
      'gateway.forward.web.cpu',
      'gateway.everything.rps',
      'gateway.everything.forward.cpu',
      'gateway.sse.firstbyte',
    ];
    for (const id of ids) {
      const found = report.figures.find((f) => f.id === id);
      expect(found, `${id} in ${JSON.stringify(report.figures.map((f) => f.id))}`).toBeDefined();
      expect(Number.isFinite(found!.value), id).toBe(true);
    }
    const everything = report.figures.find((f) => f.id === 'gateway.everything.rps')!;
    expect(everything.value).toBeGreaterThan(0);
    expect(everything.baseline).toMatchObject({ name: 'server-everything direct' });
  });
});

describe('npm run bench -- --quick --only flow', () => {
  it("times the server's part of each request, the client's view of it and that client's floor", async () => {
    const run = await runBench(['--quick', '--only', 'flow', '--results', results]);
    expect(run.code, run.output).toBe(0);
    const report = JSON.parse(readFileSync(join(results, 'latest.json'), 'utf8')) as BenchReport;
    const value = (id: string): number => {
      const found = report.figures.find((f) => f.id === id);
      expect(found, `${id} in ${JSON.stringify(report.figures.map((f) => f.id))}`).toBeDefined();
      return found!.value;
    };
    // Nested intervals of the same requests: the handler runs inside the server's part, which the client waits for.
    expect(value('flow.handler.p50')).toBeGreaterThan(0);
    expect(value('flow.proxy.p50')).toBeGreaterThanOrEqual(value('flow.handler.p50'));
    expect(value('flow.client.p50')).toBeGreaterThan(value('flow.proxy.p50'));
    const client = report.figures.find((f) => f.id === 'flow.client.p50')!;
    expect(client.baseline).toMatchObject({ name: 'the same number of round trips to a bare node:http server' });
    expect(client.baseline!.value).toBeGreaterThan(0);
  });
});

describe('npm run bench -- --soak-seconds', () => {
  it('refuses a duration too short to have a warm-up and samples after it', async () => {
    const run = await runBench(['--quick', '--only', 'soak', '--soak-seconds', '5', '--results', results]);
    expect(run.code).toBe(2);
    expect(run.output).toContain('--soak-seconds must be');
  });
});
