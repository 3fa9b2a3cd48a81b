import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkRedirectUriForRegistration,
  findRegisteredRedirectUri,
  parseRedirectUriPattern,
} from '../../checks/redirect-uri.ts';

interface RegistrationCase {
  uri: string;
  allowed: boolean;
  why: string;
}
interface AuthorizeCase {
  registered: string[];
  requested: string;
  matches: boolean;
  why: string;
}
const table = JSON.parse(readFileSync(new URL('../../../fixtures/redirect-uris.json', import.meta.url), 'utf8')) as {
  proxyCallback: string;
  allowlist: string[];
  registrationWithAllowlist: RegistrationCase[];
  registrationWithoutAllowlist: RegistrationCase[];
  authorize: AuthorizeCase[];
};
const ownCallback = new URL(table.proxyCallback);
const allowlist = table.allowlist.map(parseRedirectUriPattern);

describe('the redirect URI registration policy with an operator allowlist', () => {
  it.each(table.registrationWithAllowlist)('$uri → allowed: $allowed ($why)', ({ uri, allowed }) => {
    expect(checkRedirectUriForRegistration(uri, { allowlist, ownCallback }).ok).toBe(allowed);
  });
});

describe('the redirect URI registration policy without an allowlist', () => {
  it.each(table.registrationWithoutAllowlist)('$uri → allowed: $allowed ($why)', ({ uri, allowed }) => {
    expect(checkRedirectUriForRegistration(uri, { allowlist: [], ownCallback }).ok).toBe(allowed);
  });

  it('refuses a URI longer than 2048 characters', () => {
    const verdict = checkRedirectUriForRegistration(`https://client.test/${'a'.repeat(2040)}`, {
      allowlist: [],
      ownCallback,
    });
    expect(verdict).toEqual({ ok: false, reason: 'longer than 2048 characters' });
  });

  it('accepts a private-use scheme only when the allowlist names it', () => {
    const cursor = [parseRedirectUriPattern('cursor://anysphere.cursor-mcp/oauth/*')];
    const uri = 'cursor://anysphere.cursor-mcp/oauth/callback';
    expect(checkRedirectUriForRegistration(uri, { allowlist: cursor, ownCallback }).ok).toBe(true);
  });
});

describe('exact redirect URI matching at /authorize', () => {
  it.each(table.authorize)('$requested against $registered → $matches ($why)', ({ registered, requested, matches }) => {
    expect(findRegisteredRedirectUri(requested, registered) !== undefined).toBe(matches);
  });
});

describe('allowlist patterns', () => {
  it.each(['https://*.example.com/*', 'http://localhost:*', 'https://a.example.com:8443/cb', 'http://[::1]:*/cb'])(
    'parses %s',
    (pattern) => {
      expect(() => parseRedirectUriPattern(pattern)).not.toThrow();
    },
  );

  it.each(['*.example.com', 'javascript://x/*', 'https://exa*mple.com/', 'https://a.example.com/x*y', 'https://'])(
    'refuses %s with an error naming it',
    (pattern) => {
      expect(() => parseRedirectUriPattern(pattern)).toThrow(pattern === 'https://' ? /pattern/ : pattern);
    },
  );
});
