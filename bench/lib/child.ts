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
  /** 'ignore': the process writes its stderr (e.g. its logs) to the null device. */
  stderr?: 'pipe' | 'ignore';
  cwd?: string;
}

/** Starts `node args…` and resolves with the first stdout line that parses as JSON with `event: "ready"`. */
export async function spawnReady<T>(args: string[], options: SpawnReadyOptions = {}): Promise<ReadyChild<T>> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: [options.stdinPipe === false ? 'ignore' : 'pipe', 'pipe', options.stderr ?? 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  const { stderr, stop } = watch(child);
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
export function spawnServers<T>(scenario: string, env?: Record<string, string>): Promise<ReadyChild<T>> {
  // Starting a scenario runs a whole authorization flow (and maybe a redis-server): on a machine loaded by other
  // test suites that takes far longer than on an idle one.
  return spawnReady<T>(['--import', 'tsx', new URL('../servers.ts', import.meta.url).pathname, scenario], {
    ...(env !== undefined ? { env } : {}),
    timeoutMs: 120_000,
  });
}

/**
 * Starts `node args…` for a server that prints no JSON ready line (a third-party one) and resolves once `readyUrl`
 * answers 200. Its stderr is kept for error messages.
 */
export async function spawnListening(
  args: string[],
  readyUrl: string,
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<ReadyChild<undefined>> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  const { stderr, stop } = watch(child);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr()}`,
      );
    }
    const ok = await fetch(readyUrl).then(
      (r) => r.body?.cancel().then(() => r.status === 200) ?? r.status === 200,
      () => false,
    );
    if (ok) return { child, ready: undefined, stderr, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${readyUrl} did not answer 200 within ${options.timeoutMs ?? 30_000} ms:\n${stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The last 40 stderr lines of a child (for error messages), and a stop that escalates to SIGKILL after 5 s. */
function watch(child: ChildProcess): Pick<ReadyChild<unknown>, 'stderr' | 'stop'> {
  const lines: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { stderr: () => lines.join('\n'), stop };
}
