// @modelcontextprotocol/server-everything over Streamable HTTP, for gateway tests: a 2025-era MCP server (the TS SDK
// v1 underneath) with a tool that streams progress. It has no host setting and binds every interface, so it starts
// with a preload that puts its listen() on 127.0.0.1; and since its get-env tool returns process.env, it starts with
// an environment holding nothing but its port and PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

import { freePort } from './free-port.ts';

export interface EverythingServer {
  /** `http://127.0.0.1:PORT/mcp` */
  url: string;
  close(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 20_000;

export async function startEverythingServer(): Promise<EverythingServer> {
  const port = await freePort();
  const entry = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const preload = new URL('./loopback-listen.mjs', import.meta.url).href;
  const child = spawn(process.execPath, ['--import', preload, entry, 'streamableHttp'], {
    env: { PORT: String(port), PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await ready(child, port);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function ready(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => fail(new Error(`server-everything did not start in time:\n${log}`)),
      STARTUP_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', (code) => fail(new Error(`server-everything exited (${code}):\n${log}`)));
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(`listening on port ${port}`)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    });
  });
}
