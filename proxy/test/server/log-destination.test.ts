// The server's log destination: each event-loop turn's lines in one synchronous write at the turn's end, in order,
// and nothing lost when the process exits, normally or on an uncaught exception.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { turnBufferedDestination } from '../../server/log-destination.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let directory: string | undefined;
afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

function logFile(): string {
  directory = mkdtempSync(join(tmpdir(), 'log-destination-'));
  return join(directory, 'proxy.log');
}

describe('the turn-buffered log destination', () => {
  it("writes one turn's lines together at the end of the turn, in the order they were logged", async () => {
    const file = logFile();
    const destination = turnBufferedDestination(file);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    destination.write('{"n":3}\n');
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    await destination.end();
  });

  it('writes at once, mid-turn, once 64 KB are waiting', async () => {
    const file = logFile();
    const destination = turnBufferedDestination(file);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 64; i += 1) destination.write(line);
    expect(readFileSync(file, 'utf8')).toBe(line.repeat(64));
    await destination.end();
  });

  it('writes the lines still waiting when the process exits, or dies of an uncaught exception', () => {
    const module = fileURLToPath(new URL('../../dist/server/log-destination.js', import.meta.url));
    const run = (tail: string) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { turnBufferedDestination } from ${JSON.stringify(module)};\n` +
            `const log = turnBufferedDestination(2);\nlog.write('the last line\\n');\n${tail}`,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
    const exited = run('process.exit(3);');
    expect(exited.status).toBe(3);
    expect(exited.stderr).toBe('the last line\n');
    const crashed = run("throw new Error('boom');");
    expect(crashed.status).toBe(1);
    expect(crashed.stderr).toContain('the last line\n');
    expect(crashed.stderr).toContain('boom');
  });
});
