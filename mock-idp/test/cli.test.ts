// The `mock-idp` command: one JSON ready line on stdout, serves until SIGTERM, exits 2 on bad flags.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = 'mock-idp/bin/mock-idp.js';
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  child.stdout!.resume();
  return line;
}

describe('mock-idp CLI', () => {
  it('prints the ready line with client and proxyEnv for the github flavor, then stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--flavor', 'github', '--redirect-uri', 'http://127.0.0.1:8080/cb'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const ready = JSON.parse(await firstLine(child)) as {
      event: string;
      url: string;
      client: { clientId: string; clientSecret: string };
      proxyEnv: Record<string, string>;
    };
    expect(ready.event).toBe('ready');
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.client.clientId).toBe('mcp-proxy-upstream-client');
    expect(ready.proxyEnv).toEqual({
      UPSTREAM_PROVIDER: 'github',
      UPSTREAM_CLIENT_ID: ready.client.clientId,
      UPSTREAM_CLIENT_SECRET: ready.client.clientSecret,
      UPSTREAM_SCOPES: 'read:user user:email',
      UPSTREAM_AUTHORIZATION_ENDPOINT: `${ready.url}/login/oauth/authorize`,
      UPSTREAM_TOKEN_ENDPOINT: `${ready.url}/login/oauth/access_token`,
      UPSTREAM_USERINFO_ENDPOINT: `${ready.url}/user`,
    });
    const log = await fetch(`${ready.url}/__harness/requests`);
    expect(log.status).toBe(200);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('prints UPSTREAM_ISSUER for the oidc flavor', async () => {
    const child = spawn(process.execPath, [BIN, '--flavor', 'oidc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const ready = JSON.parse(await firstLine(child)) as {
      issuer: string;
      url: string;
      proxyEnv: Record<string, string>;
    };
    expect(ready.issuer).toBe(ready.url);
    expect(ready.proxyEnv.UPSTREAM_PROVIDER).toBe('oidc');
    expect(ready.proxyEnv.UPSTREAM_ISSUER).toBe(ready.issuer);
    expect(ready.proxyEnv.UPSTREAM_SCOPES).toBe('openid profile email offline_access');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const result = (await exited) as [number | null, string | null];
    expect(result).toEqual([0, null]);
  });

  it('exits 2 with a message on stderr for an unknown flavor', async () => {
    const child = spawn(process.execPath, [BIN, '--flavor', 'saml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--flavor must be "oidc" or "github"');
    expect(stdout).toBe('');
  });
});
