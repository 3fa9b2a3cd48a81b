// The 5xx rule and shared results: a result memoised by one check (a refresh-rotation scenario, a completed flow)
// carries the 5xx answers met while computing it into every later check that reads it, so the verdict does not
// depend on which check ran first. Against a real loopback server that answers 500.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckSession } from '../lib/session/check-session.ts';
import { normaliseSettings } from '../lib/target/settings.ts';
import { setCurrentTrace, TraceRecorder } from '../lib/transport/trace.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = req.url === '/token' ? 500 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 500 ? { error: 'server_error' } : { ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function newSession(): CheckSession {
  const settings = normaliseSettings({ target: base, requestTimeoutMs: 10_000 });
  return new CheckSession(settings, () => Promise.reject(new Error('no browser in this test')));
}

/** Runs `body` as the check whose trace is `trace`, as defineCheck does. */
async function asCheck<T>(trace: TraceRecorder, body: () => Promise<T>): Promise<T> {
  setCurrentTrace(trace);
  try {
    return await body();
  } finally {
    setCurrentTrace(undefined);
  }
}

describe('memoised results and the 5xx rule', () => {
  it('carries a 5xx met while computing a shared result into each later check that uses it', async () => {
    const session = newSession();
    const scenario = () =>
      session.memo('scenario', async () => {
        await session.http.request({ url: `${base}/ok` });
        return (await session.http.request({ url: `${base}/token`, form: { grant_type: 'refresh_token' } })).status;
      });
    const first = new TraceRecorder();
    const second = new TraceRecorder();
    const third = new TraceRecorder();
    expect(await asCheck(first, scenario)).toBe(500);
    expect(await asCheck(second, scenario)).toBe(500);
    expect(first.serverErrors.map((e) => `${e.status} ${e.method} ${new URL(e.url).pathname}`)).toEqual([
      '500 POST /token',
    ]);
    expect(second.serverErrors).toEqual(first.serverErrors);
    // A check that calls the memo twice gets the 5xx once; a check that never uses it gets none.
    await asCheck(third, async () => {
      await scenario();
      await scenario();
    });
    expect(third.serverErrors).toHaveLength(1);
    const unrelated = new TraceRecorder();
    await asCheck(unrelated, () => session.http.request({ url: `${base}/ok` }));
    expect(unrelated.serverErrors).toEqual([]);
  });

  it('carries it when the shared result failed, too', async () => {
    const session = newSession();
    const broken = () =>
      session.memo('broken', async () => {
        await session.http.request({ url: `${base}/token`, form: { grant_type: 'authorization_code' } });
        throw new Error('no tokens');
      });
    await expect(asCheck(new TraceRecorder(), broken)).rejects.toThrow('no tokens');
    const later = new TraceRecorder();
    await expect(asCheck(later, broken)).rejects.toThrow('no tokens');
    expect(later.serverErrors.map((e) => e.status)).toEqual([500]);
  });

  it('adds nothing for results computed without a 5xx', async () => {
    const session = newSession();
    const fine = () => session.memo('fine', async () => (await session.http.request({ url: `${base}/ok` })).status);
    await asCheck(new TraceRecorder(), fine);
    const later = new TraceRecorder();
    expect(await asCheck(later, fine)).toBe(200);
    expect(later.serverErrors).toEqual([]);
  });
});
