// Runs a real, throwaway redis-server on a free loopback port for integration tests, with controls to stop, kill
// and restart it on the same port so that outage and recovery can be tested. Nothing is persisted to disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.ts';

export interface RedisServerHandle {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Graceful shutdown (SIGTERM); resolves once the process has exited. Safe to call when already stopped. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as in a crash; resolves once the process has exited. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as with a hung server. */
  pause(): void;
  /** Lets a paused process run again (SIGCONT). */
  resume(): void;
  /** Starts a fresh, empty server on the same port (stopping the running one first, if any). */
  restart(): Promise<void>;
}

/** The binary to run: `REDIS_SERVER_BIN` when set, else `redis-server` from PATH. */
const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const STARTUP_TIMEOUT_MS = 10_000;

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. `['--rename-command', 'GETDEL', '']` to emulate an older server. */
  args?: string[];
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  const extraArgs = options.args ?? [];
  let child: ChildProcess | undefined = await launch(port, extraArgs);

  const terminate = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    // A paused process only acts on the signal once it runs again.
    running.kill('SIGCONT');
    await exited;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    restart: async () => {
      await terminate('SIGTERM');
      child = await launch(port, extraArgs);
    },
  };
}

async function launch(port: number, extraArgs: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError !== undefined) throw new Error(`could not run ${binary}: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`redis-server exited during startup:\n${output}`);
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
}

/** Speaks just enough RESP to see `+PONG`, so the helper does not depend on the client under test. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
