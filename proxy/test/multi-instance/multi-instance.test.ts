// Two proxy instances sharing Redis behind a round-robin front must pass the whole conformance suite: every flow
// hops between instances, so clients, transactions, codes, grants and rotation state must all live in Redis.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('several proxy instances sharing Redis', () => {
  it('pass the whole conformance suite through a round-robin front, with traffic on every instance', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/multi-instance.ts'], {
      env: { ...process.env, MULTI_INSTANCE_REPORT: 'test-results/multi-instance' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output.slice(-4000)).toBe(0);
    const line = output.split('\n').find((l) => l.includes('"instance-request-counts"'));
    expect(line, 'the front reported its per-instance counts').toBeDefined();
    const { counts } = JSON.parse(line!) as { counts: number[] };
    expect(counts).toHaveLength(2);
    for (const count of counts) expect(count).toBeGreaterThan(50);
    // The whole suite, lifetime stage included, on a shared 2-core machine: a guard against a hang, not a speed goal.
  }, 600_000);
});
