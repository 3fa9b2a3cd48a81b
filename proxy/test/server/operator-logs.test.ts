// What an operator reads in the standalone server's logs: JSON lines with level names, one access line per request
// carrying the client and the OAuth error it ended with, every event line of a request under that request's id, the
// audit trail of a grant (registration, consent, sign-in, tokens, refresh, reuse, revocation), more detail at debug
// and trace, a shutdown line, and never a credential.
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshHttp, runHttpFlow } from '../../../testkit/http-flow.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';
import { createLogger } from '../../server/logger.ts';

interface Line {
  level: string;
  msg: string;
  event?: string;
  requestId?: string;
  [field: string]: unknown;
}

/** A logger at `level` whose JSON lines are kept. */
function capturingLogger(level: string) {
  const text: string[] = [];
  const logger = createLogger(level, { write: (chunk: string) => void text.push(chunk) });
  return {
    logger,
    text: () => text.join(''),
    lines: () =>
      text
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Line),
  };
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function flowWithLogs(level: string) {
  const logs = capturingLogger(level);
  stack = await startStack('github', {}, {}, { logger: logs.logger });
  const client = await runHttpFlow(stack.proxy.url, { flavor: 'github', metadata: { client_name: 'Log reader' } });
  await fetch(stack.proxy.resource, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${client.tokens.access_token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  return { logs, client, base: stack.proxy.url };
}

describe('operator logs of the standalone server', () => {
  it('name the level, and give each request one access line with its client and OAuth error', async () => {
    const logs = capturingLogger('info');
    stack = await startStack('github', {}, {}, { logger: logs.logger });
    const refused = await fetch(`${stack.proxy.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://evil.example/cb'] }),
    });
    expect(refused.status).toBe(400);
    const id = refused.headers.get('x-request-id');
    const access = logs.lines().filter((l) => l.event === 'request' && l.path === '/register');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 'info', status: 400, error: 'invalid_redirect_uri', requestId: id });
    for (const line of logs.lines()) expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
  });

  it("write the same access line unredacted by the server's logger (it holds no credential), redacted by an embedder's", async () => {
    const logs = capturingLogger('info');
    stack = await startStack('github', {}, {}, { logger: logs.logger });
    await fetch(`${stack.proxy.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const [line] = logs.lines().filter((l) => l.event === 'request');
    expect(Object.keys(line ?? {})).toEqual([
      'level',
      'time',
      'service',
      'requestId',
      'event',
      'method',
      'path',
      'status',
      'ms',
      'error',
      'msg',
    ]);
    logs.logger.info({ detail: { access_token: 'secret-value' } }, 'other lines keep the redaction');
    expect(logs.text()).not.toContain('secret-value');
    await stack.close();

    // An embedder's logger and its own redaction policy apply to the access line as to every other.
    const text: string[] = [];
    const own = pino({ redact: ['method'] }, { write: (chunk: string) => void text.push(chunk) });
    stack = await startStack('github', {}, {}, { logger: own });
    await fetch(`${stack.proxy.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const access = text.map((t) => JSON.parse(t) as Line).find((l) => l.event === 'request');
    expect(access).toMatchObject({ method: '[Redacted]', path: '/register' });
  });

  it('keep the audit trail of a grant, each event under the id of the request that caused it', async () => {
    const { logs, client, base } = await flowWithLogs('info');
    const rotated = await refreshHttp(client, client.tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await refreshHttp(client, client.tokens.refresh_token)).status).toBe(400); // reuse → grant revoked
    const lines = logs.lines();
    const events = lines.filter((l) => l.event !== undefined && l.event !== 'request' && l.event !== 'config-warning');
    expect(events.map((l) => l.event)).toEqual([
      'client-registered',
      'consent',
      'grant-issued',
      'tokens-issued',
      'tokens-issued',
      'refresh-token-reuse-detected',
      'grant-revoked',
    ]);
    expect(events[1]).toMatchObject({ decision: 'approve', clientId: client.clientId });
    expect(events[2]).toMatchObject({ clientId: client.clientId, sub: expect.any(String) });
    expect(events[4]).toMatchObject({ grant: 'refresh_token', generation: 2 });
    expect(events[6]).toMatchObject({ reason: 'refresh-token-reuse', clientId: client.clientId });
    const accessIds = new Set(lines.filter((l) => l.event === 'request').map((l) => l.requestId));
    for (const event of events) expect(accessIds).toContain(event.requestId);
    const token = lines.find((l) => l.event === 'request' && l.path === '/token' && l.status === 200);
    expect(token).toMatchObject({ clientId: client.clientId });

    const revoked = await fetch(`${base}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'unknown-token', client_id: client.clientId }),
    });
    expect(revoked.status).toBe(200);
  });

  it('never write a credential: tokens, codes, client or upstream secrets', async () => {
    const { logs, client } = await flowWithLogs('trace');
    const rotated = (await (await refreshHttp(client, client.tokens.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const text = logs.text();
    const secrets = [
      client.tokens.access_token,
      client.tokens.refresh_token,
      rotated.access_token,
      rotated.refresh_token,
      stack!.idp.client.clientSecret,
      ...stack!.idp.issuedTokens().map((t) => t.value),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('show more at debug and trace: upstream calls and arriving requests', async () => {
    const quiet = await flowWithLogs('info');
    expect(quiet.logs.lines().some((l) => l.event === 'upstream-call' || l.event === 'request-start')).toBe(false);
    await stack?.close();
    const verbose = await flowWithLogs('trace');
    const lines = verbose.logs.lines();
    const calls = lines.filter((l) => l.event === 'upstream-call');
    expect(calls.map((l) => l.op)).toEqual(expect.arrayContaining(['exchange-code', 'userinfo']));
    expect(calls.every((l) => l.level === 'debug' && typeof l.ms === 'number' && l.ok === true)).toBe(true);
    expect(lines.filter((l) => l.event === 'request-start').length).toBeGreaterThan(3);
  });

  it('end with a shutdown line', async () => {
    const logs = capturingLogger('info');
    const started = await startStack('github', {}, {}, { logger: logs.logger });
    await started.proxy.close('SIGTERM');
    await started.idp.close();
    expect(logs.lines().at(-1)).toMatchObject({ event: 'shutdown', reason: 'SIGTERM', level: 'info' });
  });
});

describe('mcp-oauth-proxy configuration errors', () => {
  const bin = fileURLToPath(new URL('../../bin/mcp-oauth-proxy.js', import.meta.url));
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [bin], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, ...env } });

  it('stop the start with the variable named, before any development-default warning', () => {
    const result = run({
      UPSTREAM_PROVIDER: 'github',
      UPSTREAM_CLIENT_ID: 'i',
      UPSTREAM_CLIENT_SECRET: 's',
      PORT: 'x',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('mcp-oauth-proxy: PORT must be a whole number from 0 to 65535, got "x"\n');
    expect(result.stdout).toBe('');
  });

  it('warn about a short access-token lifetime and the refresh margin of clients', async () => {
    const logs = capturingLogger('info');
    stack = await startStack('github', { PROXY_ACCESS_TOKEN_TTL: '60' }, {}, { logger: logs.logger });
    const warning = logs.lines().find((l) => l.event === 'config-warning' && String(l.msg).includes('PROXY_ACCESS'));
    expect(warning?.msg).toMatch(/refresh a fixed margin .* before expiry/);
  });
});
