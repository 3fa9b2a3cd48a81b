// Spawns a process that announces itself with one JSON line on stdout, and stops it (by its own pid) afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ReadyChild<T> {
  child: ChildProcess;
  ready: T;
  /** The last lines the process wrote on stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface SpawnReadyOptions {
  env?: Record<string, string>;
  /** How long to wait for the ready line, in milliseconds. */
  timeoutMs?: number;
  /** Keep stdin open: children that stop when stdin closes die with the parent. */
  stdinPipe?: boolean;
}

/** Starts `node args…` and resolves with the first stdout line that parses as JSON with `event: "ready"`. */
export async function spawnReady<T>(args: string[], options: SpawnReadyOptions = {}): Promise<ReadyChild<T>> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: [options.stdinPipe === false ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  });
  const stderr = (): string => lines.join('\n');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ready line within ${options.timeoutMs ?? 30_000} ms:\n${stderr()}`)),
        options.timeoutMs ?? 30_000,
      );
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { event?: string };
          if (parsed.event === 'ready') {
            clearTimeout(timer);
            resolve(parsed as T);
          }
        } catch {
          // Not the ready line.
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before it was ready:\n${stderr()}`));
      });
    });
    return { child, ready, stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs `node bench/servers.ts <scenario>` through tsx. */
export function spawnServers<T>(scenario: string): Promise<ReadyChild<T>> {
  return spawnReady<T>(['--import', 'tsx', new URL('../servers.ts', import.meta.url).pathname, scenario]);
}
