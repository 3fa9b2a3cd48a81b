// What the suite derives from its flags: the MCP URL defaults from --target (never from --issuer), an issuer left
// out is taken from the resource metadata later (not guessed from the target), and the environment a
// --target-command gets names the target itself.
import { describe, expect, it } from 'vitest';
import { normaliseSettings, targetCommandEnvironment } from '../lib/target/settings.ts';

describe('suite settings', () => {
  it('defaults the MCP endpoint to <target>/mcp, whatever --issuer says', () => {
    expect(normaliseSettings({ target: 'http://127.0.0.1:8787' }).mcp).toBe('http://127.0.0.1:8787/mcp');
    expect(normaliseSettings({ target: 'http://127.0.0.1:8787/' }).mcp).toBe('http://127.0.0.1:8787/mcp');
    const slash = normaliseSettings({ target: 'http://127.0.0.1:8787', issuer: 'http://127.0.0.1:8787/' });
    expect(slash.mcp).toBe('http://127.0.0.1:8787/mcp');
    expect(slash.issuer).toBe('http://127.0.0.1:8787/');
    const path = normaliseSettings({ target: 'http://127.0.0.1:8787', issuer: 'http://127.0.0.1:8787/api/auth' });
    expect(path.mcp).toBe('http://127.0.0.1:8787/mcp');
  });

  it('keeps an explicit --mcp', () => {
    expect(normaliseSettings({ target: 'http://h:1', mcp: 'http://h:1/v1/mcp' }).mcp).toBe('http://h:1/v1/mcp');
  });

  it('leaves the issuer unset without --issuer: it comes from the resource metadata, as a client finds it', () => {
    expect(normaliseSettings({ target: 'http://127.0.0.1:8787' }).issuer).toBeUndefined();
  });

  it('gives --target-command the target base URL, never the issuer', () => {
    const settings = normaliseSettings({ target: 'http://127.0.0.1:8787/', issuer: 'http://127.0.0.1:8787/api/auth' });
    expect(targetCommandEnvironment(settings)).toEqual({
      TARGET_URL: 'http://127.0.0.1:8787/',
      PROXY_BASE_URL: 'http://127.0.0.1:8787',
      PORT: '8787',
    });
    expect(targetCommandEnvironment(normaliseSettings({ target: 'https://proxy.example' })).PORT).toBe('443');
  });
});
