// `--target-command`: starts the proxy under test in a shell with the harness's UPSTREAM_* settings in its
// environment, waits until it answers HTTP, and stops the whole process group afterwards.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningTarget {
  child: ChildProcess;
  /** The last lines the command wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export function startTargetCommand(command: string, env: Record<string, string>): RunningTarget {
  const child = spawn(command, {
    shell: true,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** "target command exited (code)" once the target's process has ended, else undefined. */
export function exitNote(target: RunningTarget): string | undefined {
  const { exitCode, signalCode } = target.child;
  return exitCode !== null || signalCode !== null ? `target command exited (${exitCode ?? signalCode})` : undefined;
}

/**
 * Polls `url` until any HTTP answer arrives (the target is listening), the command exits, or the time is up.
 * Returns an error message, or undefined when ready.
 */
export async function waitForHttp(url: string, timeoutMs: number, target?: RunningTarget): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exited = target && exitNote(target);
    if (exited) return `${exited} before answering:\n${target.output()}`;
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(1000) });
      return undefined;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return `no HTTP answer from ${url} within ${timeoutMs} ms${target ? `:\n${target.output()}` : ''}`;
}
