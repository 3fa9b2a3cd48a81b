// A conformance target made of several proxy instances: its own redis-server on a free loopback port, two
// `mcp-oauth-proxy` processes sharing it (same issuer, signing key, secrets), and a round-robin front on $PORT.
// Consecutive requests of one flow land on different instances, so only shared storage lets the flow succeed.
// Started by scripts/multi-instance.ts through the conformance CLI's --target-command; runs until signalled.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startRedisServer } from '../testkit/redis-server.ts';
import { startRoundRobinFront, type RoundRobinFront } from './lib/round-robin-front.ts';

const INSTANCES = 2;
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must name the port the front listens on');
// The front listens only once every instance is ready: the suite waits for the target to answer HTTP, and an early
// 503 from a front without instances would count as ready.
const publicUrl = process.env.PROXY_BASE_URL ?? `http://127.0.0.1:${port}`;
const redis = await startRedisServer();
let front: RoundRobinFront | undefined;
const children: ChildProcess[] = [];

function startInstance(index: number): Promise<string> {
  const child = spawn(process.execPath, ['proxy/bin/mcp-oauth-proxy.js'], {
    env: {
      ...process.env,
      PORT: '0',
      PROXY_BASE_URL: publicUrl,
      PROXY_STORAGE: redis.url,
      PROXY_SIGNING_KEY: process.env.PROXY_SIGNING_KEY ?? 'multi-instance-signing-key-0123456789abcdef',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${index} exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
  });
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Evidence that the suite's traffic really was spread over the instances (printed by scripts/multi-instance.ts).
  if (process.env.MULTI_INSTANCE_COUNTS_FILE && front) {
    writeFileSync(process.env.MULTI_INSTANCE_COUNTS_FILE, JSON.stringify({ counts: front.counts() }));
  }
  for (const child of children) child.kill('SIGTERM');
  await front?.close();
  await redis.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

try {
  const instances = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => startInstance(i)));
  const ready = await startRoundRobinFront(port);
  ready.setInstances(instances);
  front = ready;
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', url: ready.url, instances: INSTANCES, redis: redis.url })}\n`,
  );
} catch (error) {
  process.stderr.write(`multi-instance target: ${(error as Error).message}\n`);
  await stop();
}
